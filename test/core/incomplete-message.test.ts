import { afterEach, describe, expect, it } from "vitest";
import { Agent, type AgentEvent, InMemorySessionStore, native } from "../../src/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import {
  type ScriptedModelServer,
  type ScriptStep,
  startScriptedModelServer,
  textReply,
} from "../../src/testing/index.js";
import { collect, types } from "./helpers.js";

const servers: ScriptedModelServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function agentOn(script: ScriptStep[], store: InMemorySessionStore, sessionId?: string) {
  const server = await startScriptedModelServer({ script });
  servers.push(server);
  const runtime = native(anthropic({ model: "claude-test", apiKey: "sk-test", baseURL: server.baseUrl }), {
    retry: { maxAttempts: 3, initialDelayMs: 1 },
  });
  const agent = sessionId ? await Agent.resume(sessionId, { runtime, store }) : new Agent({ runtime, store });
  return { agent, server };
}

/** The messages array of the model request `index` the server received. */
const messagesOf = (server: ScriptedModelServer, index: number) =>
  (server.requests.filter((r) => r.api === "anthropic-messages")[index]!.body as { messages: unknown[] })
    .messages;

const partialText = "the first half of an answer, ";

describe("native loop: text streamed before a failed stream is kept as an incomplete message", () => {
  it.each([
    ["reset", "connection"],
    ["truncated", "malformed-response"],
    ["stream-error", "overloaded"],
    ["malformed-json", "malformed-response"],
  ] as const)(
    "a %s mid-stream: message-end (incomplete), error, turn-end; stored; the next turn and a resume send it",
    async (fault, code) => {
      const store = new InMemorySessionStore();
      const { agent, server } = await agentOn(
        [{ kind: "fault", fault, textBefore: partialText }, textReply("again")],
        store,
      );
      const events = await collect(agent.stream("hi"));
      // (A `usage` event follows the message when the provider had reported some.)
      expect(types(events).filter((t) => t !== "message-delta" && t !== "usage")).toEqual([
        "session-start",
        "turn-start",
        "message-start",
        "message-end",
        "error",
        "turn-end",
      ]);
      const end = events.find((e) => e.type === "message-end") as AgentEvent & { type: "message-end" };
      expect(end).toMatchObject({
        incomplete: true,
        stopReason: { unified: "error" },
        message: { role: "assistant", content: [{ type: "text", text: partialText }] },
      });
      expect(events.at(-1)).toMatchObject({ error: { code } });
      // Stored, with the turn's end.
      const stored = await collect(store.read(agent.sessionId, { excludeDeltas: true }));
      expect(stored.find((e) => e.type === "message-end")).toEqual(end);

      const assistant = { role: "assistant", content: [{ type: "text", text: partialText }] };
      await agent.prompt("go on");
      expect(messagesOf(server, 1)).toEqual([
        { role: "user", content: [{ type: "text", text: "hi" }] },
        assistant,
        { role: "user", content: [{ type: "text", text: "go on" }] },
      ]);

      const resumed = await agentOn([textReply("resumed")], store, agent.sessionId);
      await resumed.agent.prompt("and?");
      expect(messagesOf(resumed.server, 0).slice(0, 2)).toEqual([
        { role: "user", content: [{ type: "text", text: "hi" }] },
        assistant,
      ]);
    },
  );

  it("a failure before any text keeps no message (and is retried)", async () => {
    const store = new InMemorySessionStore();
    const { agent } = await agentOn(
      [{ kind: "fault", fault: "stream-error", textBefore: "" }, textReply("ok")],
      store,
    );
    const events = await collect(agent.stream("hi"));
    expect(events.filter((e) => e.type === "message-end")).toEqual([
      expect.objectContaining({ message: { role: "assistant", content: [{ type: "text", text: "ok" }] } }),
    ]);
    expect(events.some((e) => e.type === "message-end" && e.incomplete)).toBe(false);
  });

  it("a turn cancelled mid-stream keeps the text streamed so far (stop reason cancelled)", async () => {
    const store = new InMemorySessionStore();
    const { agent } = await agentOn(
      [textReply("one two three four five six seven eight nine ten", { chunkDelayMs: 30 })],
      store,
    );
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("count", { signal: controller.signal })) {
      events.push(event);
      if (event.type === "message-delta") controller.abort();
    }
    const streamed = events
      .map((e) => (e.type === "message-delta" && e.delta.kind === "text" ? e.delta.text : ""))
      .join("");
    expect(streamed.length).toBeGreaterThan(0);
    const end = events.find((e) => e.type === "message-end");
    expect(end).toMatchObject({
      incomplete: true,
      stopReason: { unified: "cancelled" },
      message: { content: [{ type: "text", text: streamed }] },
    });
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "cancelled" } });
    expect(agent.messages.at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: streamed }] });
  });
});
