import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Agent, type AgentEvent, native, type SessionStore } from "../../src/index.js";
import type { ModelRequest } from "../../src/provider/index.js";
import { ConversationBuilder } from "../../src/session/index.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { type ScriptedProvider, scriptedProvider } from "../../src/testing/scripted-provider.js";
import { addTool } from "../core/helpers.js";
import { tempDir } from "../stores/helpers.js";
import { availability, pgTitle, usePostgres } from "../stores/pg-helpers.js";

const TRIALS = 20;
const TURNS = 3;
const dir = tempDir("arky-two-writers-");

/** A model answering after a random short delay: a tool call for a prompt, text after a tool result. */
function racingModel(): ScriptedProvider {
  return scriptedProvider({
    script: (request) => {
      const last = request.messages.at(-1)!;
      const delayMs = Math.floor(Math.random() * 12);
      const afterTool = last.content.some((block) => block.type === "tool-result");
      return !afterTool && Math.random() < 0.5
        ? toolCallReply("add", { a: 1, b: 2 }, { delayMs })
        : textReply(`answer ${Math.random()}`, { delayMs, chunkDelayMs: 1 });
    },
  });
}

const agentOptions = (model: ScriptedProvider, store: SessionStore) => ({
  runtime: native(model),
  tools: [addTool],
  permissions: { mode: "bypass" as const },
  store,
});

type Stats = { conflicts: number; thrown: unknown[]; succeeded: AgentEvent[] };

/** Runs `TURNS` turns one after another; no stream may throw once started. */
async function writer(agent: Agent, name: string, stats: Stats) {
  for (let t = 1; t <= TURNS; t++) {
    try {
      for await (const event of agent.stream(`${name}${t}`)) {
        if (event.type !== "turn-end") continue;
        if (event.error?.code === "session-conflict") stats.conflicts++;
        if (!event.error) stats.succeeded.push(event);
      }
    } catch (error) {
      stats.thrown.push(error);
    }
  }
}

const inputText = (event: AgentEvent) =>
  event.type === "turn-start" && event.input.content[0]?.type === "text" ? event.input.content[0].text : "";

/**
 * The log: seqs 1…n without gaps, every event of a turn after its turn-start, at most one
 * turn-end per turn, and each stored turn's first model call sent exactly the log before it.
 */
function checkLog(log: AgentEvent[], requests: Map<string, ModelRequest[]>) {
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  const started = new Set<string>();
  const ended = new Set<string>();
  const conversation = new ConversationBuilder();
  let turns = 0;
  for (const event of log) {
    if (event.type === "turn-start") {
      const text = inputText(event);
      const first = requests
        .get(text.slice(0, 1))!
        .find((r) => JSON.stringify(r.messages.at(-1)) === JSON.stringify(event.input));
      expect(first, `the model call of stored turn ${text}`).toBeDefined();
      expect(first!.messages, `the model input of stored turn ${text}`).toEqual([
        ...structuredClone(conversation.build()),
        event.input,
      ]);
      started.add(event.turnId!);
      turns++;
    } else if (event.turnId !== undefined) {
      expect(started.has(event.turnId), `event ${event.seq} (${event.type}) of a turn never started`).toBe(
        true,
      );
      if (event.type === "turn-end") {
        expect(ended.has(event.turnId), `a second turn-end for ${event.turnId}`).toBe(false);
        ended.add(event.turnId);
      }
    }
    conversation.add(event);
  }
  return turns;
}

async function trials(open: (trial: number) => Promise<[SessionStore, SessionStore]>) {
  const totals = { conflicts: 0, turns: 0, thrown: [] as unknown[], succeeded: [] as AgentEvent[] };
  for (let trial = 0; trial < TRIALS; trial++) {
    const [storeA, storeB] = await open(trial);
    const modelA = racingModel();
    const modelB = racingModel();
    const a = new Agent({ ...agentOptions(modelA, storeA), sessionId: `two-${trial}` });
    await a.prompt("A0");
    const b = await Agent.resume(a.sessionId, agentOptions(modelB, storeB));
    await Promise.all([writer(a, "A", totals), writer(b, "B", totals)]);
    const log: AgentEvent[] = [];
    for await (const event of storeA.read(a.sessionId)) log.push(event);
    // A turn that ended without an error is stored, to its turn-end; the others said why not.
    for (const end of totals.succeeded.splice(0)) expect(log).toContainEqual(end);
    totals.turns += checkLog(
      log,
      new Map([
        ["A", modelA.requests],
        ["B", modelB.requests],
      ]),
    );
  }
  expect(totals.thrown).toEqual([]);
  // The trials raced: some turns lost (and said so), and both writers' turns were stored.
  expect(totals.conflicts).toBeGreaterThan(0);
  expect(totals.turns).toBeGreaterThan(TRIALS * (TURNS + 1));
  console.log(`two writers, ${TRIALS} trials: ${totals.turns} stored turns, ${totals.conflicts} conflicts`);
}

describe("two writers on one session", () => {
  it(`SQLite (one file, two connections): ${TRIALS} trials, every stored turn built on the log before it`, async () => {
    const opened: SqliteSessionStore[] = [];
    await trials(async (trial) => {
      const path = join(dir, `two-${trial}.db`);
      const pair: [SqliteSessionStore, SqliteSessionStore] = [
        new SqliteSessionStore({ path }),
        new SqliteSessionStore({ path }),
      ];
      opened.push(...pair);
      return pair;
    });
    for (const store of opened) await store.close();
  }, 120_000);
});

describe.skipIf(!availability.available)(pgTitle("two writers on one Postgres session"), () => {
  const pg = usePostgres();

  it(`Postgres (one schema, two pools): ${TRIALS} trials, every stored turn built on the log before it`, async () => {
    await trials(async () => {
      const schema = pg.newSchema();
      const first = pg.store({ schema });
      await first.migrate();
      return [first, pg.store({ schema })];
    });
  }, 120_000);
});
