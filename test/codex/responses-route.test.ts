import { createParser } from "eventsource-parser";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ScriptedModelServer,
  type ScriptStep,
  startScriptedModelServer,
} from "../../src/testing/index.js";

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function call(steps: ScriptStep[], body: unknown = { model: "gpt-test", stream: true, input: [] }) {
  server = await startScriptedModelServer({ script: steps });
  return fetch(`${server.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
}

async function events(
  response: Response,
): Promise<{ events: Array<Record<string, unknown>>; bad: string[] }> {
  const out: Array<Record<string, unknown>> = [];
  const bad: string[] = [];
  const parser = createParser({
    onEvent: (event) => {
      try {
        out.push(JSON.parse(event.data));
      } catch {
        bad.push(event.data);
      }
    },
  });
  parser.feed(await response.text());
  return { events: out, bad };
}

describe("scripted OpenAI Responses API", () => {
  it("streams text, reasoning and a function call with usage, and records the request", async () => {
    const response = await call([
      {
        content: [
          { type: "thinking", thinking: "Let me think.", chunks: 2 },
          { type: "text", text: "Hello world", chunks: 2 },
          { type: "tool-use", name: "exec_command", input: { cmd: "echo hi" }, id: "call_1" },
        ],
        usage: { inputTokens: 50, outputTokens: 9, cacheReadInputTokens: 10 },
      },
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const { events: list, bad } = await events(response);
    expect(bad).toEqual([]);
    const types = list.map((e) => e.type);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(types.filter((t) => t === "response.reasoning_summary_text.delta")).toHaveLength(2);
    const text = list.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
    expect(text.join("")).toBe("Hello world");
    const fnCall = list.find(
      (e) => e.type === "response.output_item.done" && (e.item as { type: string }).type === "function_call",
    );
    expect(fnCall?.item).toMatchObject({
      call_id: "call_1",
      name: "exec_command",
      arguments: '{"cmd":"echo hi"}',
    });
    const completed = list.at(-1)?.response as { usage: Record<string, unknown> };
    expect(completed.usage).toMatchObject({
      input_tokens: 60,
      output_tokens: 9,
      input_tokens_details: { cached_tokens: 10 },
    });
    expect(server?.requests[0]).toMatchObject({
      api: "openai-responses",
      path: "/v1/responses",
      stream: true,
    });
  });

  it("splits a namespaced MCP tool name into namespace and name", async () => {
    const response = await call([
      { content: [{ type: "tool-use", name: "mcp__arky__add", input: { a: 1 } }] },
    ]);
    const { events: list } = await events(response);
    const done = list.find((e) => e.type === "response.output_item.done");
    expect(done?.item).toMatchObject({ type: "function_call", namespace: "mcp__arky", name: "add" });
  });

  it("turns a tool-use block with string input into a freeform custom_tool_call", async () => {
    const response = await call([
      { content: [{ type: "tool-use", name: "apply_patch", input: "*** Begin Patch", id: "c1" }] },
    ]);
    const { events: list } = await events(response);
    expect(
      list
        .filter((e) => e.type === "response.custom_tool_call_input.delta")
        .map((e) => e.delta)
        .join(""),
    ).toBe("*** Begin Patch");
    const done = list.find((e) => e.type === "response.output_item.done");
    expect(done?.item).toMatchObject({
      type: "custom_tool_call",
      call_id: "c1",
      name: "apply_patch",
      input: "*** Begin Patch",
    });
  });

  it("answers HTTP errors in the OpenAI error shape with retry-after", async () => {
    const response = await call([{ kind: "http-error", status: 429, retryAfterSeconds: 3 }]);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(await response.json()).toMatchObject({
      error: { type: "rate_limit_exceeded", code: "rate_limit_exceeded" },
    });
  });

  it("writes a malformed data line and no response.completed for a malformed-json fault", async () => {
    const response = await call([{ kind: "fault", fault: "malformed-json" }]);
    const { events: list, bad } = await events(response);
    expect(bad).toEqual(["{not json"]);
    expect(list.some((e) => e.type === "response.completed")).toBe(false);
    expect(list.some((e) => e.type === "response.output_text.delta")).toBe(true);
  });

  it("sends response.failed for a stream-error fault and ends a truncated stream early", async () => {
    const failed = await events(
      await call([{ kind: "fault", fault: "stream-error", errorType: "server_error" }]),
    );
    expect(failed.events.at(-1)).toMatchObject({
      type: "response.failed",
      response: { error: { code: "server_error" } },
    });
    await server?.close();
    const truncated = await events(await call([{ kind: "fault", fault: "truncated" }]));
    expect(truncated.events.at(-1)?.type).toBe("response.output_text.delta");
  });
});
