import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ArkyError } from "../../src/protocol/index.js";
import { assertToolName, MAX_TIMEOUT_MS, toJsonSchema, tool } from "../../src/tools/index.js";

function configurationError(run: () => unknown): ArkyError {
  try {
    run();
  } catch (error) {
    expect(ArkyError.isArkyError(error)).toBe(true);
    expect((error as ArkyError).code).toBe("configuration");
    return error as ArkyError;
  }
  throw new Error("expected a configuration error");
}

const noop = () => "ok";

describe("tool() JSON Schema", () => {
  it("generates an object schema with descriptions, optional fields and enums", () => {
    const t = tool({
      name: "search",
      description: "Search files",
      input: z.object({
        query: z.string().describe("What to look for"),
        limit: z.number().int().min(1).optional(),
        mode: z.enum(["exact", "fuzzy"]).describe("Match mode"),
        tags: z.array(z.string()).default([]),
      }),
      execute: noop,
    });
    const schema = t.inputSchema as {
      type: string;
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(schema.type).toBe("object");
    expect(schema).not.toHaveProperty("$schema");
    expect(schema.properties.query).toEqual({ type: "string", description: "What to look for" });
    expect(schema.properties.mode).toMatchObject({ enum: ["exact", "fuzzy"], description: "Match mode" });
    expect(schema.properties.limit).toMatchObject({ type: "integer", minimum: 1 });
    expect([...schema.required].sort()).toEqual(["mode", "query"]);
  });

  it("describes the input side of transforms (what the model must send)", () => {
    const schema = toJsonSchema(z.object({ n: z.string().transform((s) => Number(s)) }));
    expect(schema).toMatchObject({ type: "object", properties: { n: { type: "string" } } });
  });

  it("rejects a non-object schema with a configuration error naming the tool", () => {
    const error = configurationError(() =>
      tool({ name: "echo", description: "d", input: z.string(), execute: noop }),
    );
    expect(error.message).toContain('"echo"');
    expect(error.message).toContain("object schema");
    configurationError(() => toJsonSchema(z.array(z.string())));
  });

  it("rejects an unrepresentable schema with a configuration error and a correction", () => {
    const error = configurationError(() =>
      tool({ name: "when", description: "d", input: z.object({ at: z.date() }), execute: noop }),
    );
    expect(error.message).toContain("cannot be expressed as JSON Schema");
    expect(error.correction).toBeDefined();
    expect(error.cause).toBeDefined();
    configurationError(() => toJsonSchema(z.object({ n: z.bigint() })));
  });
});

describe("tool() options", () => {
  it("defaults readOnly to false and concurrencySafe to readOnly", () => {
    const input = z.object({});
    expect(tool({ name: "w", description: "d", input, execute: noop })).toMatchObject({
      readOnly: false,
      concurrencySafe: false,
      timeoutMs: undefined,
    });
    expect(tool({ name: "r", description: "d", input, readOnly: true, execute: noop })).toMatchObject({
      readOnly: true,
      concurrencySafe: true,
    });
    expect(
      tool({
        name: "x",
        description: "d",
        input,
        readOnly: true,
        concurrencySafe: false,
        timeoutMs: 5,
        execute: noop,
      }),
    ).toMatchObject({ concurrencySafe: false, timeoutMs: 5 });
  });

  it("parses input with the zod schema, applying defaults and transforms", () => {
    const t = tool({
      name: "p",
      description: "d",
      input: z.object({ n: z.string().transform(Number), flag: z.boolean().default(true) }),
      execute: noop,
    });
    expect(t.parse({ n: "42" })).toEqual({ ok: true, value: { n: 42, flag: true } });
    const bad = t.parse({ n: 42 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain("n");
  });

  it("passes the parsed input and context to execute", async () => {
    const t = tool({
      name: "add",
      description: "Add",
      input: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }, { toolCallId }) => `${toolCallId}:${a + b}`,
    });
    const context = { signal: new AbortController().signal, toolCallId: "c1", onUpdate: () => {} };
    expect(await t.execute({ a: 1, b: 2 }, context)).toBe("c1:3");
  });
});

describe("tool timeouts", () => {
  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, MAX_TIMEOUT_MS + 1])(
    "rejects timeoutMs %s, which a timer cannot hold, with a configuration error",
    (timeoutMs) => {
      const error = configurationError(() =>
        tool({ name: "slow", description: "d", input: z.object({}), timeoutMs, execute: noop }),
      );
      expect(error.message).toContain('tool "slow"');
    },
  );

  it("accepts the longest timer", () => {
    expect(
      tool({ name: "t", description: "d", input: z.object({}), timeoutMs: MAX_TIMEOUT_MS, execute: noop })
        .timeoutMs,
    ).toBe(MAX_TIMEOUT_MS);
  });
});

describe("tool names", () => {
  it.each([
    "read",
    "read_file",
    "read-file",
    "Read2",
    "mcp/files/read",
    "mcp/server.v2/read_file",
    "a".repeat(128),
  ])("accepts %s", (name) => {
    expect(() => assertToolName(name)).not.toThrow();
  });

  it.each([
    "",
    "has space",
    "a".repeat(129),
    "/lead",
    "trail/",
    "a//b",
    "dot.first",
    "semi;colon",
    "émoji",
    "a\nb",
  ])("rejects %j with a configuration error", (name) => {
    const error = configurationError(() =>
      tool({ name, description: "d", input: z.object({}), execute: noop }),
    );
    expect(error.correction).toContain("letters, digits");
  });
});

describe("tool(): zod without importing zod", () => {
  it("formats validation problems like zod's prettifyError", async () => {
    const { z } = await import("zod");
    const { formatIssues } = await import("../../src/tools/tool.js");
    const schema = z.object({ a: z.number(), list: z.array(z.object({ "odd key": z.string() })) });
    const parsed = schema.safeParse({ a: "x", list: [{ "odd key": 1 }] });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(formatIssues(parsed.error.issues)).toBe(z.prettifyError(parsed.error));
  });

  it("refuses an input that is not a zod v4 schema, saying what to pass", async () => {
    const { tool } = await import("../../src/tools/tool.js");
    expect(() =>
      tool({ name: "x", description: "x", input: { type: "object" } as never, execute: () => "" }),
    ).toThrowError(/not a zod v4 schema/);
  });
});

describe("tool(): bad options get an error naming the fix", () => {
  const input = z.object({ city: z.string() });
  const loose = (options: unknown) => () => tool(options as never);

  it("asks for a name when there is none, and says what a name may hold when it is invalid", () => {
    expect(configurationError(loose({ description: "d", input, execute: noop })).message).toMatch(
      /tool\(\) needs a `name`/,
    );
    const invalid = configurationError(() =>
      tool({ name: "get weather", description: "d", input, execute: noop }),
    );
    expect(invalid.message).toContain('Invalid tool name "get weather": " " is not allowed');
    expect(invalid.message).toContain("letters, digits, '_' and '-'");
    expect(configurationError(() => assertToolName(undefined as never)).message).toMatch(
      /needs a name; got none/,
    );
  });

  it.each([
    ["inputSchema", "input"],
    ["parameters", "input"],
    ["handler", "execute"],
  ])("suggests Arky's name for %s (another SDK's)", (foreign, arky) => {
    const error = configurationError(
      loose({ name: "weather", description: "d", execute: noop, [foreign]: input }),
    );
    expect(error.message).toBe(`tool() "weather" has no option "${foreign}": Arky calls it \`${arky}\`.`);
  });

  it("refuses unknown options, the positional Claude Agent SDK form, and missing description, execute or input", () => {
    expect(
      configurationError(loose({ name: "w", description: "d", input, execute: noop, outputSchema: 1 }))
        .correction,
    ).toContain("name, description, input, execute");
    expect(
      configurationError(() => (tool as (...a: unknown[]) => unknown)("w", "d", {}, noop)).message,
    ).toContain("positional");
    expect(configurationError(loose({ name: "w", input, execute: noop })).message).toContain("`description`");
    expect(configurationError(loose({ name: "w", description: "d", input })).message).toContain("`execute`");
    expect(configurationError(loose({ name: "w", description: "d", execute: noop })).message).toContain(
      "`input`",
    );
  });

  it("says to wrap an object's fields in z.object", () => {
    const error = configurationError(
      loose({ name: "w", description: "d", input: { city: z.string() }, execute: noop }),
    );
    expect(error.message).toContain("wrap them, input: z.object({ ... })");
  });
});
