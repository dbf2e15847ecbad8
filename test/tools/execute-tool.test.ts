import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ArkyError, textOf } from "../../src/protocol/index.js";
import { executeToolCall, type Tool, ToolRegistry, tool } from "../../src/tools/index.js";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  // Abandoned tools below reject after ~30 ms; give those rejections time to surface.
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

const never = () => new Promise<never>(() => {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const signal = () => new AbortController().signal;
const resultText = (outcome: { result: { content: Array<{ type: string }> } }) =>
  textOf(outcome.result as Parameters<typeof textOf>[0]);

const add = tool({
  name: "add",
  description: "Add two numbers",
  input: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => String(a + b),
});

function registryWith(...tools: Tool[]) {
  return new ToolRegistry([add, ...tools], { defaultTimeoutMs: 5_000 });
}

describe("executeToolCall: lookup and validation", () => {
  it("runs a valid call and returns a text result", async () => {
    const outcome = await executeToolCall(
      registryWith(),
      { id: "c1", name: "add", input: { a: 2, b: 3 } },
      { signal: signal() },
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toEqual({
      type: "tool-result",
      toolUseId: "c1",
      content: [{ type: "text", text: "5" }],
    });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("answers an unknown tool with tool-not-found listing the available tools", async () => {
    const echo = tool({ name: "echo", description: "e", input: z.object({}), execute: () => "" });
    const outcome = await executeToolCall(
      registryWith(echo),
      { id: "c1", name: "ad", input: {} },
      { signal: signal() },
    );
    expect(outcome.error?.code).toBe("tool-not-found");
    expect(outcome.result.isError).toBe(true);
    expect(outcome.result.toolUseId).toBe("c1");
    expect(resultText(outcome)).toContain('No tool named "ad"');
    expect(resultText(outcome)).toContain("Available tools: add, echo.");
    const empty = await executeToolCall(
      new ToolRegistry(),
      { id: "c2", name: "x", input: {} },
      { signal: signal() },
    );
    expect(resultText(empty)).toContain("No tools are available.");
  });

  it("answers invalid input with tool-input-invalid the model can act on, without running the tool", async () => {
    let started = false;
    const outcome = await executeToolCall(
      registryWith(),
      { id: "c1", name: "add", input: { a: "two" } },
      { signal: signal(), onStart: () => (started = true) },
    );
    expect(started).toBe(false);
    expect(outcome.error?.code).toBe("tool-input-invalid");
    const text = resultText(outcome);
    expect(text).toContain('Invalid input for tool "add"');
    expect(text).toMatch(/a/);
    expect(text).toMatch(/b/);
    expect(text).toContain("Fix the input");
    expect(outcome.error?.toJSON()).toMatchObject({ code: "tool-input-invalid", retryable: false });
  });

  it("treats a parse function that throws as invalid input", async () => {
    const raw: Tool = {
      ...add,
      name: "raw",
      parse: () => {
        throw new Error("schema exploded");
      },
    };
    const outcome = await executeToolCall(
      registryWith(raw),
      { id: "c1", name: "raw", input: {} },
      { signal: signal() },
    );
    expect(outcome.error?.code).toBe("tool-input-invalid");
    expect(resultText(outcome)).toContain("schema exploded");
  });

  it("calls onStart with the parsed input before running", async () => {
    const seen: unknown[] = [];
    await executeToolCall(
      registryWith(),
      { id: "c1", name: "add", input: { a: 1, b: 1, extra: true } },
      { signal: signal(), onStart: (input) => seen.push(input) },
    );
    expect(seen).toEqual([{ a: 1, b: 1 }]);
  });
});

describe("executeToolCall: outputs", () => {
  const image = {
    type: "image" as const,
    source: { type: "url" as const, url: "https://example.invalid/i.png" },
  };
  const returning = (name: string, output: unknown) =>
    tool({ name, description: "d", input: z.object({}), execute: () => output as string });

  it("accepts content blocks and structured results with isError", async () => {
    const registry = registryWith(
      returning("blocks", [{ type: "text", text: "a" }, image]),
      returning("structured", { content: [{ type: "text", text: "bad path" }], isError: true }),
      returning("ok", { content: [{ type: "text", text: "fine" }], isError: false }),
    );
    const run = (name: string) =>
      executeToolCall(registry, { id: name, name, input: {} }, { signal: signal() });
    expect((await run("blocks")).result.content).toEqual([{ type: "text", text: "a" }, image]);
    const structured = await run("structured");
    expect(structured.result).toEqual({
      type: "tool-result",
      toolUseId: "structured",
      content: [{ type: "text", text: "bad path" }],
      isError: true,
    });
    // A tool reporting a failure in its result is not an execution failure.
    expect(structured.error).toBeUndefined();
    expect((await run("ok")).result).not.toHaveProperty("isError");
  });

  it("turns an unsupported return value into a tool-execution error", async () => {
    const registry = registryWith(returning("void", undefined), returning("num", 42));
    const nothing = await executeToolCall(
      registry,
      { id: "c", name: "void", input: {} },
      { signal: signal() },
    );
    expect(nothing.error?.code).toBe("tool-execution");
    expect(resultText(nothing)).toContain("returned undefined");
    const number = await executeToolCall(registry, { id: "c", name: "num", input: {} }, { signal: signal() });
    expect(number.error?.code).toBe("tool-execution");
  });

  it("forwards onUpdate progress in order", async () => {
    const progress = tool({
      name: "progress",
      description: "d",
      input: z.object({}),
      execute: async (_input, { onUpdate }) => {
        onUpdate({ pct: 50 });
        await sleep(1);
        onUpdate({ pct: 100 });
        return "done";
      },
    });
    const updates: unknown[] = [];
    const outcome = await executeToolCall(
      registryWith(progress),
      { id: "c1", name: "progress", input: {} },
      { signal: signal(), onUpdate: (u) => updates.push(u) },
    );
    expect(updates).toEqual([{ pct: 50 }, { pct: 100 }]);
    expect(resultText(outcome)).toBe("done");
  });
});

describe("executeToolCall: failures", () => {
  it("turns a thrown error into tool-execution with the cause kept", async () => {
    const boom = new Error("disk on fire");
    const throws = tool({
      name: "throws",
      description: "d",
      input: z.object({}),
      execute: () => {
        throw boom;
      },
    });
    const outcome = await executeToolCall(
      registryWith(throws),
      { id: "c1", name: "throws", input: {} },
      { signal: signal() },
    );
    expect(outcome.error?.code).toBe("tool-execution");
    expect(outcome.error?.cause).toBe(boom);
    expect(resultText(outcome)).toBe('Tool "throws" failed: disk on fire');
    expect(outcome.result.isError).toBe(true);
  });

  it("keeps an ArkyError a tool throws", async () => {
    const denies = tool({
      name: "denies",
      description: "d",
      input: z.object({}),
      execute: async () => {
        throw new ArkyError({ code: "tool-denied", message: "not here", correction: "ask first" });
      },
    });
    const outcome = await executeToolCall(
      registryWith(denies),
      { id: "c1", name: "denies", input: {} },
      { signal: signal() },
    );
    expect(outcome.error?.code).toBe("tool-denied");
    expect(resultText(outcome)).toBe("not here\nask first");
  });

  it("abandons a tool that hangs past its timeout and aborts its signal", async () => {
    let toolSignal: AbortSignal | undefined;
    const hangs = tool({
      name: "hangs",
      description: "d",
      input: z.object({}),
      timeoutMs: 20,
      execute: (_input, context) => {
        toolSignal = context.signal;
        return never();
      },
    });
    const outcome = await executeToolCall(
      registryWith(hangs),
      { id: "c1", name: "hangs", input: {} },
      { signal: signal() },
    );
    expect(outcome.error?.code).toBe("tool-timeout");
    expect(resultText(outcome)).toContain("did not finish within 20 ms");
    expect(toolSignal?.aborted).toBe(true);
  });

  it("drops updates and results of an abandoned tool, even one that rejects later", async () => {
    const updates: unknown[] = [];
    const late = tool({
      name: "late",
      description: "d",
      input: z.object({}),
      timeoutMs: 10,
      execute: async (_input, { onUpdate }) => {
        await sleep(30);
        onUpdate("too late");
        throw new Error("rejected after abandonment");
      },
    });
    const outcome = await executeToolCall(
      registryWith(late),
      { id: "c1", name: "late", input: {} },
      { signal: signal(), onUpdate: (u) => updates.push(u) },
    );
    expect(outcome.error?.code).toBe("tool-timeout");
    await sleep(50);
    expect(updates).toEqual([]);
  });

  it("abandons a tool that ignores its signal when the caller aborts: cancelled", async () => {
    const controller = new AbortController();
    const ignores = tool({
      name: "ignores",
      description: "d",
      input: z.object({}),
      execute: () => {
        setTimeout(() => controller.abort(), 5);
        return never();
      },
    });
    const outcome = await executeToolCall(
      registryWith(ignores),
      { id: "c1", name: "ignores", input: {} },
      {
        signal: controller.signal,
      },
    );
    expect(outcome.error?.code).toBe("cancelled");
    expect(outcome.result.isError).toBe(true);
  });

  it("reports cancelled even when the abort reason is an arbitrary error", async () => {
    const controller = new AbortController();
    const honours = tool({
      name: "honours",
      description: "d",
      input: z.object({}),
      execute: (_input, context) =>
        new Promise<string>((_resolve, reject) => {
          context.signal.addEventListener("abort", () => reject(context.signal.reason));
          setTimeout(() => controller.abort(new Error("user pressed stop")), 5);
        }),
    });
    const outcome = await executeToolCall(
      registryWith(honours),
      { id: "c1", name: "honours", input: {} },
      {
        signal: controller.signal,
      },
    );
    expect(outcome.error?.code).toBe("cancelled");
  });

  it("does not start a tool when the signal is already aborted, whatever the reason", async () => {
    let ran = 0;
    const flag = tool({
      name: "flag",
      description: "d",
      input: z.object({}),
      execute: () => {
        ran++;
        return "";
      },
    });
    for (const aborted of [
      AbortSignal.abort(),
      AbortSignal.abort(new Error("stop")),
      AbortSignal.abort("why"),
    ]) {
      const outcome = await executeToolCall(
        registryWith(flag),
        { id: "c1", name: "flag", input: {} },
        {
          signal: aborted,
        },
      );
      expect(outcome.error?.code).toBe("cancelled");
    }
    expect(ran).toBe(0);
  });

  it("keeps an ArkyError given as the abort reason", async () => {
    const reason = new ArkyError({ code: "budget-exceeded", message: "over budget" });
    const controller = new AbortController();
    controller.abort(reason);
    const outcome = await executeToolCall(
      registryWith(),
      { id: "c1", name: "add", input: { a: 1, b: 1 } },
      {
        signal: controller.signal,
      },
    );
    expect(outcome.error).toBe(reason);
  });
});
