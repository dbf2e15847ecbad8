import { afterEach, describe, expect, it } from "vitest";
import type { ModelStreamEvent } from "../../src/provider/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import type { ScriptedModelServer, ScriptStep } from "../../src/testing/index.js";
import { textReply, toolCallReply } from "../../src/testing/index.js";
import { bodyOf, collect, finishOf, hello, setup, textOf } from "./helpers.js";

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(script: ScriptStep[], request = hello, options = {}) {
  const s = await setup(script, options);
  server = s.server;
  const events = await collect(s.provider.stream(request));
  return { events, server: s.server, provider: s.provider };
}

describe("AnthropicProvider: streaming", () => {
  it("streams text deltas and finishes with the message, usage and stop reason", async () => {
    const { events, server } = await run([
      textReply("Hello there, streaming works.", { usage: { inputTokens: 12, outputTokens: 6 } }),
    ]);
    expect(events[0]).toMatchObject({ type: "message-start", model: "claude-test" });
    expect(events[1]).toEqual({ type: "text-start", index: 0 });
    expect(events.filter((e) => e.type === "text-delta").length).toBe(2);
    expect(textOf(events)).toBe("Hello there, streaming works.");
    expect(events.at(-2)).toEqual({ type: "text-end", index: 0 });
    const finish = finishOf(events);
    expect(finish.message).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "Hello there, streaming works." }],
    });
    expect(finish.stopReason).toEqual({ unified: "end-turn", raw: "end_turn" });
    expect(finish.usage).toEqual({
      inputTokens: 12,
      outputTokens: 6,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
    });
    expect(finish.model).toBe("claude-test");
    const body = bodyOf(server);
    expect(body).toMatchObject({ model: "claude-test", max_tokens: 8192, stream: true });
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
    // This SDK version sends the key as a bearer token; older ones used x-api-key.
    const headers = server.requests[0]!.headers;
    expect(headers["x-api-key"] ?? headers.authorization).toMatch(/sk-test$/);
    expect(headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(headers["x-stainless-retry-count"]).toBe("0");
    server.assertDone();
  });

  it("reports cache tokens", async () => {
    const { events } = await run([
      textReply("ok", {
        usage: { inputTokens: 3, outputTokens: 1, cacheReadInputTokens: 900, cacheCreationInputTokens: 40 },
      }),
    ]);
    expect(finishOf(events).usage).toEqual({
      inputTokens: 3,
      outputTokens: 1,
      cacheReadInputTokens: 900,
      cacheCreationInputTokens: 40,
    });
  });

  it("streams thinking with its signature and sends thinking.budget_tokens", async () => {
    const { events, server } = await run(
      [
        {
          content: [
            { type: "thinking", thinking: "Considering the question.", signature: "c2lnbmVk", chunks: 3 },
            { type: "text", text: "Answer." },
          ],
        },
      ],
      { ...hello, thinking: { budgetTokens: 2048 }, maxOutputTokens: 1000, temperature: 0.5 },
    );
    const body = bodyOf(server);
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(body.max_tokens).toBeGreaterThan(2048);
    expect(body.temperature).toBeUndefined();
    const thinking = events.filter((e) => e.type === "thinking-delta");
    expect(thinking).toHaveLength(3);
    expect(thinking.map((e) => (e as { text: string }).text).join("")).toBe("Considering the question.");
    expect(events.some((e) => e.type === "thinking-end" && e.index === 0)).toBe(true);
    expect(finishOf(events).message.content).toEqual([
      { type: "thinking", thinking: "Considering the question.", signature: "c2lnbmVk" },
      { type: "text", text: "Answer." },
    ]);
  });

  it("sends adaptive thinking (newer models reject a manual budget) and keeps max_tokens as given", async () => {
    const { server } = await run([textReply("x")], {
      ...hello,
      thinking: { adaptive: true },
      maxOutputTokens: 4000,
    });
    expect(bodyOf(server)).toMatchObject({ thinking: { type: "adaptive" }, max_tokens: 4000 });
  });

  it("uses the provider-level thinking option when the request sets none", async () => {
    const { server } = await run([textReply("x")], hello, {
      thinking: { budgetTokens: 1024 },
      maxOutputTokens: 4000,
    });
    expect(bodyOf(server)).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 1024 },
      max_tokens: 4000,
    });
  });

  it("streams tool input deltas and parses the accumulated JSON; names with / round-trip", async () => {
    const input = { path: "/tmp/a.txt", lines: [1, 2, 3], nested: { ok: true } };
    const { events, server } = await run(
      [
        {
          content: [
            { type: "text", text: "Reading." },
            { type: "tool-use", id: "toolu_9", name: "mcp__files__read", input, chunks: 4 },
          ],
        },
      ],
      {
        ...hello,
        system: "You are terse.",
        tools: [
          {
            name: "mcp/files/read",
            description: "Read a file",
            inputSchema: { type: "object", properties: { path: { type: "string" } } },
          },
        ],
        temperature: 0.2,
        stopSequences: ["STOP"],
      },
    );
    const body = bodyOf(server);
    expect(body.tools).toEqual([
      {
        name: "mcp__files__read",
        description: "Read a file",
        input_schema: { type: "object", properties: { path: { type: "string" } } },
      },
    ]);
    expect(body).toMatchObject({ system: "You are terse.", temperature: 0.2, stop_sequences: ["STOP"] });
    expect(events.find((e) => e.type === "tool-input-start")).toEqual({
      type: "tool-input-start",
      index: 1,
      toolCallId: "toolu_9",
      toolName: "mcp/files/read",
    });
    const deltas = events.filter((e) => e.type === "tool-input-delta") as Array<
      Extract<ModelStreamEvent, { type: "tool-input-delta" }>
    >;
    expect(deltas).toHaveLength(4);
    expect(JSON.parse(deltas.map((d) => d.partialJson).join(""))).toEqual(input);
    expect(events.some((e) => e.type === "tool-input-end" && e.toolCallId === "toolu_9")).toBe(true);
    const finish = finishOf(events);
    expect(finish.stopReason).toEqual({ unified: "tool-use", raw: "tool_use" });
    expect(finish.message.content).toEqual([
      { type: "text", text: "Reading." },
      { type: "tool-use", id: "toolu_9", name: "mcp/files/read", input },
    ]);
  });

  it("sends images (base64 and URL), tool results with images and is_error, thinking, merging same-role messages", async () => {
    const { server } = await run([textReply("seen")], {
      system: undefined,
      tools: [{ name: "ns/shot", description: "d", inputSchema: { type: "object" } }],
      messages: [
        { role: "user", content: [{ type: "text", text: "look" }] },
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig1" },
            { type: "thinking", thinking: "unsigned, from elsewhere" },
            { type: "redacted-thinking", data: "ENCRYPTED" },
            { type: "text", text: "" },
            { type: "tool-use", id: "toolu_1", name: "ns/shot", input: { a: 1 } },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool-result",
              toolUseId: "toolu_1",
              isError: true,
              content: [
                { type: "text", text: "failed" },
                { type: "image", source: { type: "base64", mediaType: "image/jpeg", data: "/9j/" } },
              ],
            },
          ],
        },
        { role: "user", content: [{ type: "text", text: "and now?" }] },
      ],
    });
    expect(bodyOf(server).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig1" },
          { type: "redacted_thinking", data: "ENCRYPTED" },
          { type: "tool_use", id: "toolu_1", name: "ns__shot", input: { a: 1 } },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            is_error: true,
            content: [
              { type: "text", text: "failed" },
              { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } },
            ],
          },
          { type: "text", text: "and now?" },
        ],
      },
    ]);
  });

  it("promptCaching marks breakpoints on the system prompt, the last tool and the last block", async () => {
    const request = {
      system: "Be brief.",
      tools: [
        { name: "a", description: "A", inputSchema: { type: "object" as const } },
        { name: "b", description: "B", inputSchema: { type: "object" as const } },
      ],
      messages: [
        { role: "user" as const, content: [{ type: "text" as const, text: "first" }] },
        { role: "assistant" as const, content: [{ type: "text" as const, text: "ok" }] },
        {
          role: "user" as const,
          content: [
            { type: "text" as const, text: "second" },
            { type: "text" as const, text: "third" },
          ],
        },
      ],
    };
    const { server } = await run([textReply("x"), textReply("y")], request, { promptCaching: true });
    const body = bodyOf(server);
    expect(body.system).toEqual([{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }]);
    const tools = body.tools as Array<Record<string, unknown>>;
    expect(tools[0]!.cache_control).toBeUndefined();
    expect(tools[1]!.cache_control).toEqual({ type: "ephemeral" });
    const messages = body.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(messages[2]!.content).toEqual([
      { type: "text", text: "second" },
      { type: "text", text: "third", cache_control: { type: "ephemeral" } },
    ]);
    expect(JSON.stringify(messages.slice(0, 2))).not.toContain("cache_control");
    // Off by default.
    const plain = anthropic({ model: "claude-test", apiKey: "k", baseURL: server.baseUrl });
    await collect(plain.stream(request));
    expect(JSON.stringify(bodyOf(server, 1))).not.toContain("cache_control");
    expect(bodyOf(server, 1).system).toBe("Be brief.");
  });

  const stopReasons: Array<[string, string]> = [
    ["end_turn", "end-turn"],
    ["tool_use", "tool-use"],
    ["max_tokens", "max-tokens"],
    ["stop_sequence", "stop-sequence"],
    ["refusal", "refusal"],
    ["pause_turn", "pause-turn"],
    ["model_context_window_exceeded", "context-overflow"],
    ["brand_new_reason", "other"],
  ];
  it.each(stopReasons)("maps stop reason %s to %s, keeping the raw value", async (raw, unified) => {
    const { events } = await run([textReply("x", { stopReason: raw })]);
    expect(finishOf(events).stopReason).toEqual({ unified, raw });
  });

  it("streams 10,000 deltas into one message", async () => {
    const { events } = await run([{ content: [{ type: "text", text: "y".repeat(10_000), chunks: 10_000 }] }]);
    expect(events.filter((e) => e.type === "text-delta")).toHaveLength(10_000);
    expect(finishOf(events).message.content).toEqual([{ type: "text", text: "y".repeat(10_000) }]);
  });

  it("answers a tool call reply from a helper with the default tool_use stop reason", async () => {
    const { events } = await run([toolCallReply("calc", { x: 2 }, { id: "toolu_c" })]);
    expect(finishOf(events).message.content).toEqual([
      { type: "tool-use", id: "toolu_c", name: "calc", input: { x: 2 } },
    ]);
  });
});
