import { afterEach, describe, expect, it } from "vitest";
import { ArkyError } from "../../src/protocol/index.js";
import {
  type ScriptedModelServer,
  type ScriptStep,
  startScriptedModelServer,
  textReply,
} from "../../src/testing/index.js";
import { parseSse, postMessages, sseJson } from "./sse-helpers.js";

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(script: ScriptStep[]) {
  server = await startScriptedModelServer({ script });
  return server;
}

const streamBody = {
  model: "claude-test",
  max_tokens: 100,
  stream: true,
  messages: [{ role: "user", content: "hi" }],
};

describe("scripted model server: replies", () => {
  it("streams a text reply as the Messages API does, echoing the model", async () => {
    const s = await start([
      textReply("hello world, this is scripted", { usage: { inputTokens: 7, outputTokens: 3 } }),
    ]);
    const res = await postMessages(s.baseUrl, streamBody, { path: "/v1/messages?beta=true" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("request-id")).toMatch(/^req_/);
    const frames = sseJson(await res.text());
    expect(frames.map((f) => f.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const f of frames) expect(f.data.type).toBe(f.event);
    const startMessage = frames[0]!.data.message as Record<string, unknown>;
    expect(startMessage).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-test",
      content: [],
      stop_reason: null,
    });
    expect(startMessage.usage).toMatchObject({
      input_tokens: 7,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    expect(frames[1]!.data).toEqual({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    const text = frames
      .filter((f) => f.event === "content_block_delta")
      .map((f) => (f.data.delta as { type: string; text: string }).text)
      .join("");
    expect(text).toBe("hello world, this is scripted");
    expect(frames[5]!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 3 },
    });
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({
      api: "anthropic-messages",
      method: "POST",
      path: "/v1/messages?beta=true",
      stream: true,
    });
    expect(s.requests[0]!.headers["x-api-key"]).toBe("test-key");
    expect(s.requests[0]!.body).toEqual(streamBody);
    s.assertDone();
  });

  it("streams thinking with a signature_delta, then a tool call split into input_json_delta chunks", async () => {
    const s = await start([
      {
        content: [
          { type: "thinking", thinking: "Let me think.", signature: "c2ln", chunks: 2 },
          { type: "tool-use", id: "toolu_1", name: "Bash", input: { command: "ls -la" }, chunks: 3 },
        ],
        usage: { cacheReadInputTokens: 11, cacheCreationInputTokens: 5 },
      },
    ]);
    const frames = sseJson(await (await postMessages(s.baseUrl, streamBody)).text());
    expect(frames[1]!.data).toEqual({
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    });
    const deltas = frames.filter((f) => f.event === "content_block_delta").map((f) => f.data);
    expect(deltas.slice(0, 3).map((d) => d.delta)).toEqual([
      { type: "thinking_delta", thinking: "Let me" },
      { type: "thinking_delta", thinking: " think." },
      { type: "signature_delta", signature: "c2ln" },
    ]);
    const toolStart = frames.find((f) => f.event === "content_block_start" && f.data.index === 1)!;
    expect(toolStart.data.content_block).toEqual({
      type: "tool_use",
      id: "toolu_1",
      name: "Bash",
      input: {},
    });
    const json = deltas.slice(3).map((d) => d.delta as { type: string; partial_json: string });
    expect(json).toHaveLength(3);
    for (const d of json) expect(d.type).toBe("input_json_delta");
    expect(JSON.parse(json.map((d) => d.partial_json).join(""))).toEqual({ command: "ls -la" });
    expect((frames[0]!.data.message as { usage: unknown }).usage).toMatchObject({
      cache_read_input_tokens: 11,
      cache_creation_input_tokens: 5,
    });
    const messageDelta = frames.find((f) => f.event === "message_delta")!;
    expect((messageDelta.data.delta as { stop_reason: string }).stop_reason).toBe("tool_use");
  });

  it("answers a non-streaming request with a JSON message (role:'system' messages and extra fields tolerated)", async () => {
    const s = await start([
      {
        content: [
          { type: "thinking", thinking: "hm", signature: "sig" },
          { type: "text", text: "Hi" },
        ],
        stopReason: "max_tokens",
      },
    ]);
    const res = await postMessages(s.baseUrl, {
      model: "claude-x",
      max_tokens: 1,
      messages: [
        { role: "user", content: "a" },
        { role: "system", content: "env" },
      ],
      context_management: { edits: [] },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-x",
      stop_reason: "max_tokens",
      content: [
        { type: "thinking", thinking: "hm", signature: "sig" },
        { type: "text", text: "Hi" },
      ],
    });
    expect(s.requests[0]!.stream).toBe(false);
  });

  it("streams 10,000 deltas in one response", async () => {
    const s = await start([{ content: [{ type: "text", text: "x".repeat(10_000), chunks: 10_000 }] }]);
    const frames = parseSse(await (await postMessages(s.baseUrl, streamBody)).text());
    expect(frames.filter((f) => f.event === "content_block_delta")).toHaveLength(10_000);
    expect(frames.at(-1)!.event).toBe("message_stop");
  });

  it("streams a large reply intact through socket backpressure", async () => {
    const text = Array.from(
      { length: 2000 },
      (_, i) => `${String(i).padStart(4, "0")}${"é".repeat(996)}`,
    ).join("");
    const s = await start([{ content: [{ type: "text", text, chunks: 2000 }] }]);
    const res = await postMessages(s.baseUrl, streamBody);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let body = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
      // A slow reader: let the server's socket buffer fill up.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const received = sseJson(body)
      .filter((f) => f.event === "content_block_delta")
      .map((f) => (f.data.delta as { text: string }).text)
      .join("");
    expect(received).toBe(text);
  });

  it("spaces frames by chunkDelayMs and waits delayMs before the headers", async () => {
    const s = await start([textReply("abcd", { chunkDelayMs: 20, delayMs: 50 })]);
    const started = Date.now();
    const res = await postMessages(s.baseUrl, streamBody);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const body = await res.text();
    // 6 frames with 20 ms each between them: the stream cannot finish before ~100 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(parseSse(body).at(-1)!.event).toBe("message_stop");
  });

  it("counts tokens cheaply without taking a step", async () => {
    const s = await start([textReply("unused")]);
    const res = await postMessages(
      s.baseUrl,
      { model: "m", messages: [{ role: "user", content: "x".repeat(400) }] },
      {
        path: "/v1/messages/count_tokens?beta=true",
      },
    );
    const body = (await res.json()) as { input_tokens: number };
    expect(body.input_tokens).toBeGreaterThanOrEqual(100);
    expect(s.remaining).toBe(1);
    expect(s.requests[0]!.api).toBe("anthropic-count-tokens");
  });
});

describe("scripted model server: errors", () => {
  const cases: Array<[number, string]> = [
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "request_too_large"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [529, "overloaded_error"],
  ];
  it.each(cases)("HTTP %i answers the error body with type %s", async (status, type) => {
    const s = await start([{ kind: "http-error", status }]);
    const res = await postMessages(s.baseUrl, streamBody);
    expect(res.status).toBe(status);
    expect(res.headers.get("request-id")).toMatch(/^req_/);
    expect(res.headers.get("retry-after")).toBeNull();
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe(type);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it("sends retry-after, a custom type and message", async () => {
    const s = await start([
      {
        kind: "http-error",
        status: 429,
        retryAfterSeconds: 3,
        errorType: "rate_limit_error",
        message: "slow down",
      },
    ]);
    const res = await postMessages(s.baseUrl, streamBody);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.json()).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "slow down" },
    });
  });

  it("answers a body that is not JSON with a 400 and records it raw", async () => {
    const s = await start([textReply("unused")]);
    const res = await fetch(`${s.baseUrl}/v1/messages`, { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(s.requests[0]!.body).toBe("{nope");
    expect(s.remaining).toBe(1);
  });

  it("answers connectivity probes (Claude Code's HEAD /api/hello) without counting them", async () => {
    const s = await start([]);
    expect((await fetch(`${s.baseUrl}/api/hello`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${s.baseUrl}/api/hello`)).status).toBe(200);
    expect(s.unexpectedRequests).toBe(0);
    expect(s.requests).toHaveLength(0);
    s.assertDone();
  });

  it("answers an unknown path with 404 and reports it as unexpected", async () => {
    const s = await start([]);
    const res = await fetch(`${s.baseUrl}/v1/models`, { method: "GET" });
    expect(res.status).toBe(404);
    await res.text();
    expect(s.unexpectedRequests).toBe(1);
    expect(s.unexpected).toEqual(["GET /v1/models: no such endpoint"]);
    expect(() => s.assertDone()).toThrow(/GET \/v1\/models/);
  });
});

describe("scripted model server: faults", () => {
  it("malformed-json sends a data line that is not JSON after valid events", async () => {
    const s = await start([{ kind: "fault", fault: "malformed-json", textBefore: "ok " }]);
    const frames = parseSse(await (await postMessages(s.baseUrl, streamBody)).text());
    expect(frames.slice(0, 3).map((f) => f.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
    ]);
    expect(JSON.parse(frames[2]!.data).delta.text).toBe("ok ");
    expect(() => JSON.parse(frames.at(-1)!.data)).toThrow();
  });

  it("truncated ends the stream after text deltas without the terminal events", async () => {
    const s = await start([{ kind: "fault", fault: "truncated" }]);
    const frames = parseSse(await (await postMessages(s.baseUrl, streamBody)).text());
    expect(frames.map((f) => f.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
    ]);
  });

  it("stream-error sends an in-stream error event", async () => {
    const s = await start([{ kind: "fault", fault: "stream-error", errorType: "api_error" }]);
    const frames = sseJson(await (await postMessages(s.baseUrl, streamBody)).text());
    expect(frames.at(-1)).toEqual({
      event: "error",
      data: { type: "error", error: { type: "api_error", message: "Internal server error" } },
    });
  });

  it("reset destroys the connection after the partial text reached the client", async () => {
    const s = await start([{ kind: "fault", fault: "reset", textBefore: "before reset" }]);
    const res = await postMessages(s.baseUrl, streamBody);
    const reader = res.body!.getReader();
    let received = "";
    const error = await (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          received += new TextDecoder().decode(value);
        }
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Error);
    expect(received).toContain("before reset");
  });

  it("hang keeps the stream open until the client disconnects", async () => {
    const s = await start([{ kind: "fault", fault: "hang" }]);
    const controller = new AbortController();
    const res = await postMessages(s.baseUrl, streamBody, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(s.activeResponses).toBe(1);
    controller.abort();
    await expect.poll(() => s.activeResponses).toBe(0);
    expect(s.clientDisconnects).toBe(1);
  });

  it("close() ends a hanging stream so everything exits", async () => {
    const s = await start([{ kind: "fault", fault: "hang" }]);
    const res = await postMessages(s.baseUrl, streamBody);
    const reading = res.text().then(
      () => "ended",
      () => "failed",
    );
    await s.close();
    expect(["ended", "failed"]).toContain(await reading);
    expect(s.activeResponses).toBe(0);
  });

  it("non-streaming faults: malformed JSON body, reset without a response", async () => {
    const s = await start([
      { kind: "fault", fault: "malformed-json" },
      { kind: "fault", fault: "reset" },
      { kind: "fault", fault: "stream-error" },
    ]);
    const body = { model: "m", messages: [] };
    const malformed = await postMessages(s.baseUrl, body);
    await expect(malformed.json()).rejects.toThrow();
    await expect(postMessages(s.baseUrl, body)).rejects.toThrow();
    const overloaded = await postMessages(s.baseUrl, body);
    expect(overloaded.status).toBe(529);
  });

  it("non-streaming faults: a truncated JSON body, and a hang that ends when the client leaves", async () => {
    const s = await start([
      { kind: "fault", fault: "truncated", textBefore: "half" },
      { kind: "fault", fault: "hang" },
    ]);
    const body = { model: "m", messages: [] };
    const truncated = await (await postMessages(s.baseUrl, body)).text();
    expect(truncated.startsWith('{"id":"msg_')).toBe(true);
    expect(() => JSON.parse(truncated)).toThrow();
    const controller = new AbortController();
    const hanging = postMessages(s.baseUrl, body, { signal: controller.signal });
    await expect.poll(() => s.activeResponses).toBe(1);
    controller.abort();
    await expect(hanging).rejects.toThrow();
    await expect.poll(() => s.activeResponses).toBe(0);
    expect(s.clientDisconnects).toBe(1);
  });
});

describe("scripted model server: script bookkeeping", () => {
  it("answers 500 when the script is exhausted and assertDone reports it", async () => {
    const s = await start([textReply("one")]);
    await (await postMessages(s.baseUrl, streamBody)).text();
    const res = await postMessages(s.baseUrl, streamBody);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("api_error");
    expect(body.error.message).toMatch(/script is exhausted/);
    expect(s.unexpectedRequests).toBe(1);
    expect(() => s.assertDone()).toThrow(/exhausted/);
  });

  it("assertDone reports unused steps; push() adds more", async () => {
    const s = await start([]);
    s.push(textReply("a"), textReply("b"));
    expect(s.remaining).toBe(2);
    await (await postMessages(s.baseUrl, streamBody)).text();
    expect(() => s.assertDone()).toThrow(/1 scripted step/);
    await (await postMessages(s.baseUrl, streamBody)).text();
    s.assertDone();
  });

  it("a function script picks each step from the request", async () => {
    server = await startScriptedModelServer({
      script: (request, index) => textReply(`${index}:${(request.body as { model: string }).model}`),
    });
    const frames = sseJson(
      await (await postMessages(server.baseUrl, { ...streamBody, model: "zed" })).text(),
    );
    const delta = frames.find((f) => f.event === "content_block_delta")!;
    expect((delta.data.delta as { text: string }).text).toBe("0:zed");
    expect(server.remaining).toBe(Number.POSITIVE_INFINITY);
    expect(() => server!.push(textReply("x"))).toThrow(/array script/);
  });

  it("a throwing script function answers 500 and is reported", async () => {
    server = await startScriptedModelServer({
      script: () => {
        throw new Error("no answer for this");
      },
    });
    const res = await postMessages(server.baseUrl, streamBody);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      "no answer for this",
    );
    expect(() => server!.assertDone()).toThrow(/script function threw/);
  });

  it("bad options are configuration errors: a script that is neither list nor function, a busy port", async () => {
    const bad = await startScriptedModelServer({ script: "steps" as never }).catch((e: unknown) => e);
    expect(ArkyError.isArkyError(bad) && bad.code).toBe("configuration");
    server = await startScriptedModelServer();
    const port = Number(new URL(server.url).port);
    const busy = await startScriptedModelServer({ port }).catch((e: unknown) => e);
    expect(ArkyError.isArkyError(busy) && busy.code).toBe("configuration");
    expect((busy as ArkyError).message).toContain(`127.0.0.1:${port}`);
  });

  it("binds 127.0.0.1 on a free port and supports await using", async () => {
    let url: string;
    {
      await using s = await startScriptedModelServer();
      url = s.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s.baseUrl).toBe(url);
    }
    await expect(fetch(`${url}/v1/messages`, { method: "POST", body: "{}" })).rejects.toThrow();
  });
});
