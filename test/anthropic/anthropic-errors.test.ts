import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ArkyError } from "../../src/protocol/index.js";
import type { ModelStreamEvent } from "../../src/provider/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import type { ScriptedModelServer, ScriptStep } from "../../src/testing/index.js";
import { textReply } from "../../src/testing/index.js";
import { collect, errorOf, finishOf, hello, setup, textOf } from "./helpers.js";

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(script: ScriptStep[], options = {}) {
  const s = await setup(script, options);
  server = s.server;
  return { events: await collect(s.provider.stream(hello)), server: s.server, provider: s.provider };
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("AnthropicProvider: HTTP errors", () => {
  const cases: Array<[number, string, boolean]> = [
    [400, "invalid-request", false],
    [401, "authentication", false],
    [403, "permission-denied", false],
    [404, "not-found", false],
    [413, "request-too-large", false],
    [429, "rate-limited", true],
    [500, "server-error", true],
    [529, "overloaded", true],
  ];

  it.each(cases)("HTTP %i → %s (retryable %s), no retry-after", async (status, code, retryable) => {
    const { events, server } = await run([{ kind: "http-error", status }]);
    expect(events).toHaveLength(1);
    const { error, contentStreamed } = errorOf(events);
    expect(ArkyError.isArkyError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.httpStatus).toBe(status);
    expect(error.retryAfterMs).toBeUndefined();
    expect(contentStreamed).toBe(false);
    expect(error.details?.provider).toBe("anthropic");
    expect(error.details?.requestId).toMatch(/^req_/);
    // The SDK's own retries are off: one request per call.
    expect(server.requests).toHaveLength(1);
  });

  it.each(cases)("HTTP %i with retry-after → %s with retryAfterMs", async (status, code, retryable) => {
    const { events } = await run([{ kind: "http-error", status, retryAfterSeconds: 7 }]);
    const { error } = errorOf(events);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.httpStatus).toBe(status);
    expect(error.retryAfterMs).toBe(7000);
  });

  it("a 400 'prompt is too long' is context-overflow", async () => {
    const { events } = await run([
      { kind: "http-error", status: 400, message: "prompt is too long: 210000 tokens > 200000 maximum" },
    ]);
    const { error } = errorOf(events);
    expect(error.code).toBe("context-overflow");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("prompt is too long");
    expect(error.correction).toBeTruthy();
  });
});

describe("AnthropicProvider: broken streams", () => {
  it("malformed JSON in the stream → malformed-response, after the text streamed", async () => {
    const { events } = await run([{ kind: "fault", fault: "malformed-json", textBefore: "so far" }]);
    expect(textOf(events)).toBe("so far");
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("malformed-response");
    expect(error.retryable).toBe(true);
    expect(contentStreamed).toBe(true);
  });

  it("a stream that ends without message_stop → malformed-response", async () => {
    const { events } = await run([{ kind: "fault", fault: "truncated", textBefore: "cut" }]);
    expect(textOf(events)).toBe("cut");
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("malformed-response");
    expect(error.message).toMatch(/message_stop/);
    expect(contentStreamed).toBe(true);
  });

  it("an in-stream error event is classified by its type", async () => {
    const { events } = await run([{ kind: "fault", fault: "stream-error", errorType: "overloaded_error" }]);
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("overloaded");
    expect(error.retryable).toBe(true);
    expect(error.httpStatus).toBeUndefined();
    expect(contentStreamed).toBe(true);
  });

  it("an in-stream rate_limit_error → rate-limited", async () => {
    const { events } = await run([
      { kind: "fault", fault: "stream-error", errorType: "rate_limit_error", textBefore: "" },
    ]);
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("rate-limited");
    expect(contentStreamed).toBe(false);
  });

  it("tool input that is not valid JSON → malformed-response", async () => {
    const { events } = await run([
      { content: [{ type: "tool-use", id: "toolu_bad", name: "calc", input: null, inputJson: '{"x": 1,' }] },
    ]);
    expect(events.some((e) => e.type === "tool-input-delta")).toBe(true);
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("malformed-response");
    expect(error.message).toContain("calc");
    expect(contentStreamed).toBe(true);
  });
});

describe("AnthropicProvider: connections", () => {
  it("connection refused → connection (retryable)", async () => {
    const port = await closedPort();
    const provider = anthropic({ model: "m", apiKey: "k", baseURL: `http://127.0.0.1:${port}` });
    const events = await collect(provider.stream(hello));
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("connection");
    expect(error.retryable).toBe(true);
    expect(contentStreamed).toBe(false);
  });

  it("reset mid-stream → connection, with the text already streamed delivered first", async () => {
    const { events } = await run([
      { kind: "fault", fault: "reset", textBefore: "delivered before the reset" },
    ]);
    expect(textOf(events)).toBe("delivered before the reset");
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("connection");
    expect(error.retryable).toBe(true);
    expect(contentStreamed).toBe(true);
  });

  it("no response headers within timeoutMs → timeout", async () => {
    const { events, server } = await run([textReply("late", { delayMs: 5_000 })], { timeoutMs: 100 });
    const { error } = errorOf(events);
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
    await expect.poll(() => server.activeResponses).toBe(0);
  });
});

describe("AnthropicProvider: silence and bad requests", () => {
  it("a stream that goes silent after the headers → timeout after timeoutMs", async () => {
    // A first call warms the client up, so the silence limit is spent waiting on the server.
    const s = await setup([textReply("warm"), { kind: "fault", fault: "hang" }], {
      timeoutMs: 300,
    });
    server = s.server;
    await collect(s.provider.stream(hello));
    const events = await collect(s.provider.stream(hello));
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
    expect(contentStreamed).toBe(false);
    await expect.poll(() => s.server.clientDisconnects).toBe(1);
  });

  it("a slow but steady stream is not timed out (the limit is per silence, not total)", async () => {
    // 12 gaps of 60 ms: over 700 ms in total, each gap far below the 500 ms limit.
    const { events } = await run(
      [{ content: [{ type: "text", text: "abcdefghijkl", chunks: 12 }], chunkDelayMs: 60 }],
      { timeoutMs: 500 },
    );
    expect(finishOf(events).message.content).toEqual([{ type: "text", text: "abcdefghijkl" }]);
  });

  it("an unsupported content block → invalid-request, before any HTTP request", async () => {
    const s = await setup([]);
    server = s.server;
    const bad = { messages: [{ role: "user", content: [{ type: "video", url: "x" }] }], tools: [] };
    const events = await collect(s.provider.stream(bad as never));
    const { error } = errorOf(events);
    expect(error.code).toBe("invalid-request");
    expect(error.message).toContain('"video"');
    expect(s.server.requests).toHaveLength(0);
  });

  it("messages that are not an array → invalid-request, not a throw", async () => {
    const s = await setup([]);
    server = s.server;
    const events = await collect(s.provider.stream({ messages: null, tools: [] } as never));
    expect(errorOf(events).error.code).toBe("invalid-request");
  });
});

describe("AnthropicProvider: cancellation", () => {
  it("abort before the first byte → cancelled, and the server sees the socket close", async () => {
    const s = await setup([textReply("never", { delayMs: 10_000 })]);
    server = s.server;
    const controller = new AbortController();
    const collecting = collect(s.provider.stream(hello, { signal: controller.signal }));
    await expect.poll(() => s.server.requests.length).toBe(1);
    controller.abort();
    const events = await collecting;
    expect(events).toHaveLength(1);
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("cancelled");
    expect(error.retryable).toBe(false);
    expect(contentStreamed).toBe(false);
    await expect.poll(() => s.server.clientDisconnects).toBe(1);
  });

  it("an already-aborted signal → cancelled without a request", async () => {
    const s = await setup([]);
    server = s.server;
    const events = await collect(s.provider.stream(hello, { signal: AbortSignal.abort() }));
    expect(errorOf(events).error.code).toBe("cancelled");
    expect(s.server.requests).toHaveLength(0);
  });

  it("abort mid-stream → cancelled after the deltas received so far", async () => {
    const s = await setup([
      { content: [{ type: "text", text: "abcdefghij", chunks: 10 }], chunkDelayMs: 30 },
    ]);
    server = s.server;
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    for await (const event of s.provider.stream(hello, { signal: controller.signal })) {
      events.push(event);
      if (event.type === "text-delta" && event.text === "c") controller.abort();
    }
    expect(textOf(events).startsWith("abc")).toBe(true);
    expect(textOf(events).length).toBeLessThan(10);
    const { error, contentStreamed } = errorOf(events);
    expect(error.code).toBe("cancelled");
    expect(contentStreamed).toBe(true);
    await expect.poll(() => s.server.clientDisconnects).toBe(1);
  });

  it("breaking out of the iteration releases the request", async () => {
    // 200 deltas 20 ms apart: the server would stream for 4 s if nobody hung up.
    const s = await setup([
      { content: [{ type: "text", text: "x".repeat(200), chunks: 200 }], chunkDelayMs: 20 },
    ]);
    server = s.server;
    let deltas = 0;
    for await (const event of s.provider.stream(hello)) {
      if (event.type === "text-delta") deltas++;
      if (deltas === 2) break;
    }
    await expect.poll(() => s.server.clientDisconnects).toBe(1);
    expect(s.server.activeResponses).toBe(0);
  });
});

describe("AnthropicProvider: configuration", () => {
  it("throws a configuration error at construction when no API key is set", () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      let caught: unknown;
      try {
        anthropic({ model: "claude-test" });
      } catch (error) {
        caught = error;
      }
      expect(ArkyError.isArkyError(caught)).toBe(true);
      expect((caught as ArkyError).code).toBe("configuration");
      expect((caught as ArkyError).correction).toContain("ANTHROPIC_API_KEY");
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it("reads the key and base URL from the environment", async () => {
    const s = await setup([textReply("from env")]);
    server = s.server;
    const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
    process.env.ANTHROPIC_API_KEY = "sk-env";
    process.env.ANTHROPIC_BASE_URL = s.server.baseUrl;
    try {
      const events = await collect(anthropic({ model: "m" }).stream(hello));
      expect(textOf(events)).toBe("from env");
      const headers = s.server.requests[0]!.headers;
      expect(headers["x-api-key"] ?? headers.authorization).toMatch(/sk-env$/);
    } finally {
      for (const [name, value] of [
        ["ANTHROPIC_API_KEY", saved.key],
        ["ANTHROPIC_BASE_URL", saved.url],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("a model id is required", () => {
    expect(() => anthropic({ model: "", apiKey: "k" })).toThrow(/model id/);
  });
});
