import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent, native, tool } from "../../src/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { type ScriptedModelServer, startScriptedModelServer } from "../../src/testing/index.js";
import { tempDir } from "../sessions-cli/helpers.js";
import { crashScript, distBuilt, expectPairedToolCalls, readAll, spawnChild } from "./helpers.js";

const RUNS = 50;
/** Children at once: the run is mostly waiting for node to start, and the sessions share one file. */
const PARALLEL = 3;
/**
 * Where kills land: even runs wait for a random number of reported events (a full run of
 * three turns reports about 50), odd runs a random time after the child is ready (startup
 * and the first events); both then wait up to 15 ms more, so the kill falls anywhere.
 */
const MAX_EVENTS_BEFORE_KILL = 50;
const MAX_EARLY_KILL_MS = 150;

const step = tool({
  name: "step",
  description: "Does a few milliseconds of work.",
  input: z.object({ n: z.number() }),
  execute: async ({ n }) => `step ${n} done`,
});

describe.skipIf(!distBuilt)(
  "SQLite crash durability (skipped when dist/ is missing: run npm run build)",
  () => {
    let server: ScriptedModelServer;
    let dir: ReturnType<typeof tempDir>;
    beforeAll(async () => {
      server = await startScriptedModelServer({ script: (request) => crashScript(request) });
      dir = tempDir("arky-crash-");
    });
    afterAll(async () => {
      await server?.close();
      dir?.remove();
    });

    it(`keeps every committed event, gap-free, and resumes after ${RUNS} SIGKILLs at random points`, async () => {
      const path = join(dir.path, "sessions.db");
      const outcomes = { beforeSession: 0, killed: 0, finished: 0, midTurn: 0, reportedChecked: 0 };
      let next = 1;
      const worker = async () => {
        for (let run = next++; run <= RUNS; run = next++) await crashOnce(run);
      };
      const crashOnce = async (run: number) => {
        const sessionId = randomUUID();
        const afterEvents = run % 2 === 0 ? Math.floor(Math.random() * MAX_EVENTS_BEFORE_KILL) : 0;
        const delay = Math.floor(Math.random() * (run % 2 === 0 ? 15 : MAX_EARLY_KILL_MS));
        const context = `run ${run}, kill ${delay} ms after ${afterEvents} reported events`;
        const { child, report, stderr } = spawnChild({
          ARKY_TEST_MODEL_URL: server.baseUrl,
          ARKY_TEST_DB: path,
          ARKY_TEST_SESSION: sessionId,
        });
        const exited = once(child, "exit");
        while (!report.ready && child.exitCode === null) await sleep(2);
        expect(report.ready, `${context}: ${stderr()}`).toBe(true);
        while (report.events.length < afterEvents && child.exitCode === null) await sleep(1);
        await sleep(delay);
        child.kill("SIGKILL");
        await exited;
        if (report.done) outcomes.finished++;
        else outcomes.killed++;

        const store = new SqliteSessionStore({ path });
        try {
          const meta = await store.get(sessionId);
          if (!meta) {
            expect(report.events, context).toEqual([]);
            outcomes.beforeSession++;
            return;
          }
          const events = await readAll(store, sessionId);
          expect(
            events.map((e) => e.seq),
            `${context}: seq gap-free`,
          ).toEqual(events.map((_, i) => i + 1));
          expect(meta.lastSeq, context).toBe(events.length);
          for (const reported of report.events) {
            expect(events[reported.seq - 1]?.type, `${context}: reported seq ${reported.seq}`).toBe(
              reported.type,
            );
          }
          outcomes.reportedChecked += report.events.length;
          const committed = report.events.filter(
            (e) => e.type === "message-end" || e.type === "tool-execution-end",
          );
          expect(committed.every((e) => events[e.seq - 1]?.type === e.type)).toBe(true);
          if (events.at(-1)?.type !== "turn-end" && events.at(-1)?.type !== "session-end") outcomes.midTurn++;

          const resumed = await Agent.resume(sessionId, {
            runtime: native(
              anthropic({ model: "claude-sonnet-5-5", apiKey: "test-key", baseURL: server.baseUrl }),
            ),
            tools: [step],
            store,
          });
          const seen: number[] = [];
          resumed.subscribe((e) => seen.push(e.seq));
          const result = await resumed.prompt(`resume-check ${run}`);
          await resumed.close();
          expect(result.text, context).toBe("resumed");
          expect(seen[0], context).toBe(events.length + 1);
          const request = server.requests.findLast((r) =>
            JSON.stringify(r.body).includes(`resume-check ${run}`),
          );
          expect(request, context).toBeDefined();
          expectPairedToolCalls(request!.body, context);
          const after = await readAll(store, sessionId);
          expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
        } finally {
          await store.close();
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      // The kills must land in the interesting places, not all before or after the run.
      console.info(`crash durability outcomes: ${JSON.stringify(outcomes)}`);
      expect(outcomes.killed).toBeGreaterThanOrEqual(RUNS / 2);
      expect(outcomes.midTurn).toBeGreaterThan(0);
      expect(outcomes.reportedChecked).toBeGreaterThan(RUNS);
    }, 120_000);
  },
);
