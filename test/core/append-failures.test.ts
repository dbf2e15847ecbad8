import { describe, expect, it } from "vitest";
import {
  Agent,
  type AgentEvent,
  ArkyError,
  InMemorySessionStore,
  native,
  type SessionMetadataInput,
} from "../../src/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { addTool } from "./helpers.js";

/** A store that fails its `failAt`-th append (counting from 1) with `code`, and counts them. */
class FailingAtStore extends InMemorySessionStore {
  appends = 0;
  constructor(
    readonly failAt: number,
    readonly code: "store" | "session-conflict",
  ) {
    super();
  }
  override async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    if (++this.appends === this.failAt)
      throw new ArkyError({ code: this.code, message: `append #${this.failAt} failed` });
    await super.append(sessionId, events);
  }
  override async update(sessionId: string, patch: SessionMetadataInput) {
    return super.update(sessionId, patch);
  }
}

/** A turn with two tool calls: several commits (messages, tool results, the turn's end). */
const script = () => [
  toolCallReply("add", { a: 1, b: 2 }, { text: "adding" }),
  toolCallReply("add", { a: 3, b: 4 }),
  textReply("done"),
];

function agentOn(store: InMemorySessionStore) {
  return new Agent({
    runtime: native(scriptedProvider({ script: script() })),
    tools: [addTool],
    permissions: { mode: "bypass" },
    store,
  });
}

/** Reads a stream to its end, recording whether it threw (and after how many events). */
async function drain(stream: AsyncIterable<AgentEvent>) {
  const events: AgentEvent[] = [];
  let thrown: unknown;
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    thrown = error;
  }
  return { events, thrown };
}

describe("Agent: a store failing at each append of a turn in turn", () => {
  it("counts the appends of the turn", async () => {
    const store = new FailingAtStore(0, "store");
    const { events, thrown } = await drain(agentOn(store).stream("add"));
    expect(thrown).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    expect(store.appends).toBeGreaterThanOrEqual(5);
  });

  for (const code of ["store", "session-conflict"] as const) {
    it(`${code} at append #1…#N: one turn-end with the error, no throw, prompt() rejects, the log is a prefix`, async () => {
      const total = new FailingAtStore(0, code);
      await agentOn(total).prompt("add");
      for (let failAt = 1; failAt <= total.appends; failAt++) {
        const store = new FailingAtStore(failAt, code);
        const agent = agentOn(store);
        const { events, thrown } = await drain(agent.stream("add"));
        const where = `${code} at append #${failAt}`;
        expect(thrown, where).toBeUndefined();
        const ends = events.filter((e) => e.type === "turn-end");
        expect(ends, where).toHaveLength(1);
        expect(events.at(-1), where).toMatchObject({ type: "turn-end", error: { code } });
        expect(events.at(-2), where).toMatchObject({ type: "error", fatal: true, error: { code } });
        // Nothing committed is lost: the log is what was emitted, up to the failed append.
        const stored: AgentEvent[] = [];
        for await (const event of store.read(agent.sessionId)) stored.push(event);
        expect(stored, where).toEqual(events.slice(0, stored.length));

        const again = new FailingAtStore(failAt, code);
        const rejected = await agentOn(again)
          .prompt("add")
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        expect(ArkyError.isArkyError(rejected), where).toBe(true);
        expect((rejected as ArkyError).code, where).toBe(code);
      }
    });
  }

  it("a failed commit of a session-start hook's events (before the turn starts) still ends the turn", async () => {
    for (const code of ["store", "session-conflict"] as const) {
      const store = new FailingAtStore(1, code);
      const agent = new Agent({
        runtime: native(scriptedProvider({ script: script() })),
        tools: [addTool],
        permissions: { mode: "bypass" },
        store,
        // A slow hook: its event is committed with session-start (the batch is 100 ms old).
        hooks: [{ sessionStart: () => new Promise((resolve) => setTimeout(() => resolve({}), 150)) }],
      });
      const { events, thrown } = await drain(agent.stream("add"));
      expect(thrown, code).toBeUndefined();
      expect(events[0]?.type).toBe("session-start");
      expect(
        events.filter((e) => e.type === "turn-end"),
        code,
      ).toHaveLength(1);
      expect(events.at(-1), code).toMatchObject({ type: "turn-end", error: { code } });
    }
  });
});
