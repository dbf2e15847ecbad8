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
