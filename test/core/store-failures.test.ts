import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import {
  Agent,
  type AgentEvent,
  type AgentRuntime,
  ArkyError,
  InMemorySessionStore,
  native,
  type SessionMetadataInput,
  type SessionStore,
} from "../../src/index.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { type ScriptedProviderOptions, scriptedProvider } from "../../src/testing/scripted-provider.js";
import { tempDir } from "../stores/helpers.js";
import { addTool, collect, types } from "./helpers.js";

/** The in-memory store, failing the appends and updates `fails` picks (while it returns true). */
class FailingStore extends InMemorySessionStore {
  failAppend: (events: readonly AgentEvent[]) => boolean = () => false;
  failUpdate: (patch: SessionMetadataInput) => boolean = () => false;
  override async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    if (this.failAppend(events)) throw new ArkyError({ code: "store", message: "the disk is full" });
    await super.append(sessionId, events);
  }
  override async update(sessionId: string, patch: SessionMetadataInput) {
    if (this.failUpdate(patch)) throw new ArkyError({ code: "store", message: "the disk is full" });
    return super.update(sessionId, patch);
  }
}

/** The native loop with a resume state, as the CLI runtimes have. */
function statefulRuntime(script: ScriptedProviderOptions["script"]): AgentRuntime {
  const base = native(scriptedProvider({ script }));
  let turns = 0;
  return {
    kind: base.kind,
    model: base.model,
    runTurn: (request) => {
      turns++;
      return base.runTurn(request);
    },
    getState: () => ({ turns }),
  };
}

const seqsOf = async (store: SessionStore, id: string) => (await collect(store.read(id))).map((e) => e.seq);
const hasTurnEnd = (events: readonly AgentEvent[]) => events.some((e) => e.type === "turn-end");

describe("Agent: a store that fails on the durability path", () => {
  it("a failed final commit is an error event and a failed turn-end; the next turn continues from the store", async () => {
    const store = new FailingStore();
    const agent = new Agent({
      runtime: native(scriptedProvider({ script: [textReply("a"), textReply("b")] })),
      store,
    });
    store.failAppend = hasTurnEnd;
    const events = await collect(agent.stream("one"));
    expect(types(events).slice(-2)).toEqual(["error", "turn-end"]);
    const [error, end] = events.slice(-2) as [AgentEvent, AgentEvent];
    const unstoredFromSeq = (await store.get(agent.sessionId))!.lastSeq + 1;
    expect(error).toMatchObject({
      fatal: true,
      error: { code: "store", details: { sessionId: agent.sessionId, unstoredFromSeq } },
    });
    expect(error.type === "error" && error.error.message).toContain("the disk is full");
    // The turn did complete, so its end keeps the usage, but says the turn was not stored.
    expect(end).toMatchObject({ stopReason: { unified: "error" }, error: { code: "store" } });
    expect(end.type === "turn-end" && end.usage.outputTokens).toBeGreaterThan(0);
    // The message was committed at its checkpoint; the turn's end was not.
    const stored = await collect(store.read(agent.sessionId));
    expect(stored.at(-1)!.type).toBe("message-end");
    expect(stored.at(-1)!.seq).toBe(unstoredFromSeq - 1);

    store.failAppend = () => false;
    const next = await collect(agent.stream("two"));
    // The seqs continue what was stored, not what was streamed.
    expect(next[0]).toMatchObject({ type: "turn-start", seq: unstoredFromSeq });
    expect(next.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    const seqs = await seqsOf(store, agent.sessionId);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    await agent.close();
    expect((await collect(store.read(agent.sessionId))).at(-1)!.type).toBe("session-end");
  });

  it("prompt() rejects with the store's error and the turn's result", async () => {
    const store = new FailingStore();
    const agent = new Agent({
      runtime: native(scriptedProvider({ script: [textReply("a"), textReply("b")] })),
      store,
    });
    store.failAppend = hasTurnEnd;
    const error = await agent.prompt("one").catch((e: unknown) => e);
    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as ArkyError).details).toMatchObject({
      unstoredFromSeq: expect.any(Number),
      result: { text: "a", stopReason: { unified: "error" } },
    });
    store.failAppend = () => false;
    expect((await agent.prompt("two")).text).toBe("b");
  });

  it("a commit failing at a tool result ends the turn there with the store's error", async () => {
    const store = new FailingStore();
    const provider = scriptedProvider({
      script: [toolCallReply("add", { a: 1, b: 2 }), toolCallReply("add", { a: 3, b: 4 }), textReply("7")],
    });
    const agent = new Agent({ runtime: native(provider), tools: [addTool], store });
    store.failAppend = (batch) => batch.some((e) => e.type === "tool-execution-end");
    const events = await collect(agent.stream("add"));
    expect(types(events).slice(-2)).toEqual(["error", "turn-end"]);
    const unstoredFromSeq = (await store.get(agent.sessionId))!.lastSeq + 1;
    expect(events.at(-1)).toMatchObject({ error: { code: "store", details: { unstoredFromSeq } } });
    expect(events.some((e) => e.type === "tool-execution-end")).toBe(false);
    expect(types(events).filter((t) => t === "turn-end")).toHaveLength(1);
    expect((await collect(store.read(agent.sessionId))).at(-1)!.type).toBe("message-end");
  });

  it("a failed save of the runtime's resume state is an error event and a failed turn-end", async () => {
    const store = new FailingStore();
    const agent = new Agent({
      runtime: statefulRuntime([textReply("a"), textReply("b"), textReply("c")]),
      store,
    });
    store.failUpdate = (patch) => patch.runtimeState !== undefined;
    const events = await collect(agent.stream("one"));
    expect(types(events).slice(-2)).toEqual(["error", "turn-end"]);
    expect(events.at(-2)).toMatchObject({
      error: { code: "store", message: expect.stringMatching(/resume state/) },
    });
    expect(events.at(-1)).toMatchObject({ stopReason: { unified: "error" }, error: { code: "store" } });
    // The events themselves are stored, the error and the turn-end included.
    expect((await collect(store.read(agent.sessionId))).slice(-2)).toEqual(events.slice(-2));
    expect((await store.get(agent.sessionId))?.runtimeState).toBeUndefined();

    await expect(agent.prompt("two")).rejects.toMatchObject({ code: "store" });
    store.failUpdate = () => false;
    expect((await agent.prompt("three")).text).toBe("c");
    expect((await store.get(agent.sessionId))?.runtimeState).toEqual({ turns: 3 });
  });

  it("a session-end that cannot be stored makes close() reject, after releasing the runtime", async () => {
    const store = new FailingStore();
    const runtime = native(scriptedProvider({ script: [textReply("a")] }));
    let released = false;
    runtime.closeSession = async () => {
      released = true;
    };
    const agent = new Agent({ runtime, store });
    await agent.prompt("one");
    store.failAppend = (batch) => batch.some((e) => e.type === "session-end");
    await expect(agent.close()).rejects.toMatchObject({ code: "store" });
    expect(released).toBe(true);
  });
});

describe("Agent: a real SQLite store failing the final commit", () => {
  const dir = tempDir();

  it("a write lock held by another connection fails the turn-end; the next turn stores it contiguously", async () => {
    const path = join(dir, "locked.db");
    const store = new SqliteSessionStore({ path, busyTimeoutMs: 20 });
    const agent = new Agent({
      runtime: native(scriptedProvider({ script: [textReply("a"), textReply("b")] })),
      store,
    });
    const other = new DatabaseSync(path);
    const events: AgentEvent[] = [];
    // The message-end is committed before it is yielded; lock the file before the turn-end's commit.
    for await (const event of agent.stream("one")) {
      events.push(event);
      if (event.type === "message-end") other.exec("BEGIN IMMEDIATE");
    }
    other.exec("ROLLBACK");
    other.close();
    expect(types(events).slice(-2)).toEqual(["error", "turn-end"]);
    expect(events.at(-2)).toMatchObject({ error: { code: "store", retryable: true } });
    expect(events.at(-1)).toMatchObject({ stopReason: { unified: "error" }, error: { code: "store" } });
    expect((await store.get(agent.sessionId))!.lastSeq).toBe(
      events.find((e) => e.type === "message-end")!.seq,
    );

    const result = await agent.prompt("two");
    expect(result.text).toBe("b");
    const seqs = await seqsOf(store, agent.sessionId);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    await agent.close();
    await store.close();
  });

  it("a closed connection fails the turn-end; prompt() rejects, and so does the next turn and close()", async () => {
    const store = new SqliteSessionStore({ path: join(dir, "closed.db") });
    const agent = new Agent({
      runtime: native(scriptedProvider({ script: [textReply("a"), textReply("b")] })),
      store,
    });
    let closedAt: number | undefined;
    agent.subscribe((event) => {
      if (event.type === "message-end") {
        store.database.close();
        closedAt = event.seq;
      }
    });
    const error = await agent.prompt("one").catch((e: unknown) => e);
    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as ArkyError).details).toMatchObject({ unstoredFromSeq: closedAt! + 1 });
    await expect(agent.prompt("two")).rejects.toMatchObject({ code: "store" });
    await expect(agent.close()).rejects.toMatchObject({ code: "store" });
  });
});
