import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ArkyError } from "../../src/protocol/index.js";
import { type Tool, ToolRegistry, tool } from "../../src/tools/index.js";

const make = (name: string, timeoutMs?: number) =>
  tool({
    name,
    description: `The ${name} tool`,
    input: z.object({ x: z.number() }),
    timeoutMs,
    execute: () => "",
  });

/** A tool defined by hand with a raw JSON Schema, as MCP tools are. */
const rawTool: Tool = {
  name: "mcp/files/read",
  description: "Read a file",
  inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  readOnly: true,
  concurrencySafe: true,
  timeoutMs: undefined,
  parse: (input) => ({ ok: true, value: input }),
  execute: () => "contents",
};

describe("ToolRegistry", () => {
  it("keeps tools in registration order and looks them up by name", () => {
    const registry = new ToolRegistry([make("b"), make("a")]).register(rawTool);
    expect(registry.size).toBe(3);
    expect(registry.list().map((t) => t.name)).toEqual(["b", "a", "mcp/files/read"]);
    expect(registry.get("a")?.name).toBe("a");
    expect(registry.has("mcp/files/read")).toBe(true);
    expect(registry.get("missing")).toBeUndefined();
  });

  it("refuses a duplicate name with a configuration error and keeps the first", () => {
    const first = make("dup");
    const registry = new ToolRegistry([first]);
    let caught: unknown;
    try {
      registry.register(make("dup"));
    } catch (error) {
      caught = error;
    }
    expect(ArkyError.isArkyError(caught) && caught.code).toBe("configuration");
    expect((caught as Error).message).toContain('"dup"');
    expect(registry.get("dup")).toBe(first);
    expect(registry.size).toBe(1);
    expect(() => new ToolRegistry([make("x"), make("x")])).toThrow(/already registered/);
  });

  it("refuses a hand-made tool with an invalid name", () => {
    expect(() => new ToolRegistry([{ ...rawTool, name: "bad name" }])).toThrow(/Invalid tool name/);
  });

  it("refuses a hand-made tool whose input schema is not an object schema", () => {
    const arraySchema = { ...rawTool, inputSchema: { type: "array" } as unknown as Tool["inputSchema"] };
    expect(() => new ToolRegistry([arraySchema])).toThrow(/must be a JSON Schema with type "object"/);
    const missing = { ...rawTool, inputSchema: undefined as unknown as Tool["inputSchema"] };
    expect(() => new ToolRegistry([missing])).toThrow(ArkyError);
  });

  it("refuses unusable timeouts with configuration errors", () => {
    expect(() => new ToolRegistry([], { defaultTimeoutMs: 0 })).toThrow(/defaultTimeoutMs/);
    expect(() => new ToolRegistry([], { defaultTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(ArkyError);
    expect(() => new ToolRegistry([{ ...rawTool, timeoutMs: -1 }])).toThrow(
      /timeout of tool "mcp\/files\/read"/,
    );
  });

  it("unregisters", () => {
    const registry = new ToolRegistry([make("a")]);
    expect(registry.unregister("a")).toBe(true);
    expect(registry.unregister("a")).toBe(false);
    expect(registry.size).toBe(0);
    registry.register(make("a"));
    expect(registry.has("a")).toBe(true);
  });

  it("lists specs with name, description and input schema only", () => {
    const registry = new ToolRegistry([make("a"), rawTool]);
    expect(registry.specs()).toEqual([
      {
        name: "a",
        description: "The a tool",
        inputSchema: expect.objectContaining({ type: "object", properties: { x: { type: "number" } } }),
      },
      { name: "mcp/files/read", description: "Read a file", inputSchema: rawTool.inputSchema },
    ]);
    expect(JSON.parse(JSON.stringify(registry.specs()))).toEqual(registry.specs());
  });

  it("applies a tool's own timeout, else the registry default", () => {
    expect(new ToolRegistry().defaultTimeoutMs).toBe(120_000);
    const registry = new ToolRegistry([], { defaultTimeoutMs: 500 });
    expect(registry.timeoutFor(make("own", 50))).toBe(50);
    expect(registry.timeoutFor(make("default"))).toBe(500);
  });
});
