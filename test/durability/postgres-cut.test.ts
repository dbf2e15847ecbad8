import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent, type AgentEvent, native, tool } from "../../src/index.js";
import { isCheckpointEvent } from "../../src/kit.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import { type ScriptedModelServer, startScriptedModelServer } from "../../src/testing/index.js";
import { sleep } from "../session/events.js";
import { availability, pgTitle, usePostgres } from "../stores/pg-helpers.js";
import { crashScript, expectPairedToolCalls, readAll } from "./helpers.js";

const step = tool({
  name: "step",
  description: "Does a few milliseconds of work.",
  input: z.object({ n: z.number() }),
  execute: async ({ n }) => {
    await sleep(2);
    return `step ${n} done`;
  },
});

describe.skipIf(!availability.available)(pgTitle("Postgres durability: connection cut mid-append"), () => {
  const pg = usePostgres();

  /** Waits until a backend of `app` waits on a lock and returns its pid. */
  async function blockedBackend(app: string): Promise<number> {
    for (let i = 0; i < 500; i++) {
      const { rows } = await pg
        .admin()
        .query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [
          app,
        ]);
      if (rows[0]) return rows[0].pid as number;
      await sleep(10);
    }
    throw new Error(`no blocked backend of ${app}`);
  }

  // Cut after the 1st, 4th and 7th committed checkpoint (completed message, tool result):
  // inside the first tool round, between rounds, and in the last round.
  it.each([1, 4, 7])(
    "after %i committed events the run fails with a store error, loses nothing, and resumes",
    async (cutAfter) => {
      const server: ScriptedModelServer = await startScriptedModelServer({ script: (r) => crashScript(r) });
      try {
        const app = `arky-cut-${cutAfter}-${Date.now()}`;
        const schema = pg.newSchema();
        const store = pg.store({ schema, connectionString: `${pg.url()}?application_name=${app}` });
        const runtime = () =>
          native(anthropic({ model: "claude-sonnet-5-5", apiKey: "test-key", baseURL: server.baseUrl }));
        const agent = new Agent({ runtime: runtime(), tools: [step], store });
        const seen: AgentEvent[] = [];
        let committed = 0;
        let cut: Promise<void> | undefined;
        const admin = pg.admin();
        for await (const event of agent.stream("turn 1")) {
          seen.push(event);
          // Only checkpoints are committed by the time the Agent yields them.
          if (!isCheckpointEvent(event) || cut) continue;
          if (++committed < cutAfter) continue;
          // Hold the session row so the next append blocks inside its transaction, then kill its backend.
          await admin.query("BEGIN");
          await admin.query(`SELECT 1 FROM "${schema}".sessions WHERE session_id = $1 FOR UPDATE`, [
            agent.sessionId,
          ]);
          cut = (async () => {
            await admin.query("SELECT pg_terminate_backend($1)", [await blockedBackend(app)]);
            await admin.query("ROLLBACK");
          })();
        }
        await cut;
        await agent.close();

        const end = seen.at(-1)!;
        expect(end.type).toBe("turn-end");
        expect(end.type === "turn-end" && end.error?.code).toBe("store");
        expect(seen.find((e) => e.type === "error")).toMatchObject({ error: { code: "store" }, fatal: true });

        const stored = await readAll(store, agent.sessionId);
        expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
        const yieldedBeforeCut = seen.filter(isCheckpointEvent).slice(0, cutAfter);
        for (const event of yieldedBeforeCut)
          expect(stored[event.seq - 1]).toEqual(JSON.parse(JSON.stringify(event)));
        expect(stored.some((e) => e.type === "turn-end")).toBe(false);

        const resumed = await Agent.resume(agent.sessionId, { runtime: runtime(), tools: [step], store });
        const result = await resumed.prompt("resume-check");
        await resumed.close();
        expect(result.text).toBe("resumed");
        const request = server.requests.findLast((r) => JSON.stringify(r.body).includes("resume-check"));
        expectPairedToolCalls(request!.body, `cut after ${cutAfter}`);
        const after = await readAll(store, agent.sessionId);
        expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
        expect(after.slice(0, stored.length)).toEqual(stored);
        expect(after.at(-2)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
      } finally {
        await server.close();
      }
    },
    60_000,
  );
});
