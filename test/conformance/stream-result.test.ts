import { describe, expect, it } from "vitest";
import type { Agent, AgentResult } from "../../src/core/index.js";
import { ArkyError } from "../../src/protocol/index.js";
import { RUNTIMES, useThreeRigs } from "./three-runtimes.js";

// `agent.stream(…).result` is what `prompt()` gives, on the native loop, the real Claude Code
// CLI and the real Codex app server: the same text and stop reason when the turn succeeds,
// the same error code when it fails, whether the caller iterates the stream or not.

const rigs = useThreeRigs({ native: { retry: { maxAttempts: 1 } }, claudeCode: { maxRetries: 0 } });

async function closing<T>(agent: Agent, run: (agent: Agent) => Promise<T>): Promise<T> {
  try {
    return await run(agent);
  } finally {
    await agent.close();
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => "resolved",
    (e: unknown) => e,
  );
  return ArkyError.isArkyError(error) ? error.code : `not an ArkyError: ${String(error)}`;
}

const summary = ({ text, stopReason }: AgentResult) => ({ text, stop: stopReason.unified });

describe.each(RUNTIMES)("stream().result on %s", (name) => {
  it("resolves to what prompt() resolves to, iterated or not", async () => {
    const rig = rigs[name];
    rig.answer(() => ({ content: [{ type: "text", text: "hello from the stream" }] }));
    const iterated = await closing(rig.agent(), async (agent) => {
      const stream = agent.stream("say hello");
      let ends = 0;
      for await (const event of stream) if (event.type === "turn-end") ends++;
      expect(ends).toBe(1);
      return stream.result;
    });
    const alone = await closing(rig.agent(), (agent) => agent.stream("say hello").result);
    const prompted = await closing(rig.agent(), (agent) => agent.prompt("say hello"));
    expect(summary(prompted)).toEqual({ text: "hello from the stream", stop: "end-turn" });
    expect(summary(iterated)).toEqual(summary(prompted));
    expect(summary(alone)).toEqual(summary(prompted));
    expect(iterated.messages.map((m) => m.role)).toEqual(prompted.messages.map((m) => m.role));
  });

  it("rejects with the code prompt() rejects with when the turn fails", async () => {
    const rig = rigs[name];
    rig.answer(() => ({ kind: "http-error", status: 401, message: "scripted 401" }));
    const streamed = await closing(rig.agent(), async (agent) => {
      const stream = agent.stream("fail");
      for await (const _event of stream) {
      }
      return codeOf(stream.result);
    });
    const prompted = await closing(rig.agent(), (agent) => codeOf(agent.prompt("fail")));
    expect(streamed).toBe("authentication");
    expect(prompted).toBe(streamed);
  });
});
