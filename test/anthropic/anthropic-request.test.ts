import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { anthropic } from "../../src/providers/anthropic/index.js";
import { type ScriptedModelServer, startScriptedModelServer, textReply } from "../../src/testing/index.js";
import { collect, finishOf, hello } from "./helpers.js";

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// Headers the transport adds itself (and so differ between the SDK's fetch and ours).
const TRANSPORT = new Set([
  "host",
  "connection",
  "content-length",
  "accept-encoding",
  "accept-language",
  "sec-fetch-mode",
]);
const comparable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !TRANSPORT.has(k)));

describe("AnthropicProvider: the request it sends", () => {
  it("sends the same URL and headers as the official SDK's messages.create", async () => {
    server = await startScriptedModelServer({ script: [textReply("a"), textReply("b")] });
    const options = { apiKey: "sk-same", baseURL: server.baseUrl, headers: { "anthropic-beta": "x-1" } };
    finishOf(await collect(anthropic({ model: "m", ...options }).stream(hello)));
    const sdk = new Anthropic({ ...options, defaultHeaders: options.headers, maxRetries: 0 });
    const stream = await sdk.messages.create({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }
    const [ours, theirs] = server.requests;
    expect(ours!.path).toBe(theirs!.path);
    expect(comparable(ours!.headers)).toEqual(comparable(theirs!.headers));
    expect(ours!.headers["anthropic-beta"]).toBe("x-1");
  });

  it("keeps each provider's key, origin and headers apart", async () => {
    server = await startScriptedModelServer({ script: [textReply("a"), textReply("b"), textReply("c")] });
    const other = await startScriptedModelServer({ script: [textReply("d")] });
    try {
      const base = server.baseUrl;
      for (const options of [
        { apiKey: "sk-one", baseURL: base },
        { apiKey: "sk-two", baseURL: base, headers: { "x-extra": "2" } },
        { apiKey: "sk-one", baseURL: base },
        { apiKey: "sk-one", baseURL: other.baseUrl },
      ])
        finishOf(await collect(anthropic({ model: "m", ...options }).stream(hello)));
      const auth = (h: Record<string, string>) => h["x-api-key"] ?? h.authorization;
      expect(server.requests.map((r) => auth(r.headers))).toEqual([
        expect.stringMatching(/sk-one$/),
        expect.stringMatching(/sk-two$/),
        expect.stringMatching(/sk-one$/),
      ]);
      expect(server.requests.map((r) => r.headers["x-extra"])).toEqual([undefined, "2", undefined]);
      expect(other.requests.map((r) => auth(r.headers))).toEqual([expect.stringMatching(/sk-one$/)]);
    } finally {
      await other.close();
    }
  });
});

describe("AnthropicProvider: a base URL that redirects", () => {
  it("fails with a configuration error that says to use the final address", async () => {
    const { createServer } = await import("node:http");
    const redirecting = createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: "http://127.0.0.1:1/v1/messages" }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = redirecting.address() as { port: number };
      const provider = anthropic({ model: "m", apiKey: "sk-r", baseURL: `http://127.0.0.1:${port}` });
      const events = await collect(provider.stream(hello));
      const last = events.at(-1);
      expect(last?.type).toBe("error");
      if (last?.type !== "error") return;
      expect(last.error.code).toBe("configuration");
      expect(last.error.message).toMatch(/redirect/);
      expect(last.error.correction).toMatch(/baseURL/);
    } finally {
      redirecting.close();
    }
  });
});

describe("AnthropicProvider: the fetch option", () => {
  it("sends every request through the given fetch, with the same headers and results", async () => {
    server = await startScriptedModelServer({
      script: [textReply("through fetch"), { kind: "http-error", status: 429, retryAfterSeconds: 7 }],
    });
    const seen: string[] = [];
    const viaFetch: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const provider = anthropic({ model: "m", apiKey: "sk-f", baseURL: server.baseUrl, fetch: viaFetch });
    const ok = finishOf(await collect(provider.stream(hello)));
    expect(ok.message.content).toEqual([{ type: "text", text: "through fetch" }]);
    const failed = (await collect(provider.stream(hello))).at(-1);
    expect(failed).toMatchObject({ type: "error", error: { code: "rate-limited", retryAfterMs: 7000 } });
    expect(seen).toEqual([`${server.baseUrl}/v1/messages`, `${server.baseUrl}/v1/messages`]);
    expect(server.requests[0]!.headers.authorization ?? server.requests[0]!.headers["x-api-key"]).toMatch(
      /sk-f$/,
    );
  });
});
