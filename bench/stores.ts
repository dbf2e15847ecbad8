/**
 * Session store benchmark: append throughput (a realistic mix: text deltas in batches of
 * 50, completed messages and tool results appended singly, as the durability rule asks;
 * best of three sessions appended one after the other, the first also shown as cold),
 * replay throughput, and the time to resume a 10,000-event session (read without deltas
 * + rebuildMessages), for SQLite and, when a server is available, PostgreSQL.
 *
 * Run: `npx tsx bench/stores.ts` (PostgreSQL: DATABASE_URL, or the server binaries for a
 * throwaway cluster). Targets: SQLite append >= 50,000 events/s, replay >= 200,000
 * events/s, resume < 100 ms; PostgreSQL append >= 20,000 events/s.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, AgentEventBody } from "../src/protocol/index.js";
import { rebuildMessages, type SessionStore } from "../src/session/index.js";
import { PostgresSessionStore } from "../src/stores/postgres/index.js";
import { SqliteSessionStore } from "../src/stores/sqlite/index.js";
import { postgresAvailability, startTestPostgres } from "../test/setup/postgres.js";

const EVENTS = 10_000;
const usage = { inputTokens: 100, outputTokens: 20, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };
const stop = { unified: "tool-use" as const, raw: "tool_use" };

/** The session as append calls: each inner array is one `append`. */
function workload(sessionId: string): AgentEvent[][] {
  const calls: AgentEvent[][] = [];
  let seq = 0;
  const stamp = (body: AgentEventBody): AgentEvent =>
    ({ ...body, sessionId, seq: ++seq, timestamp: Date.now(), turnId: "turn_1" }) as AgentEvent;
  for (let m = 0; seq < EVENTS; m++) {
    const id = `msg_${m}`;
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(2);
    calls.push([stamp({ type: "message-start", messageId: id, role: "assistant" })]);
    const batch: AgentEvent[] = [];
    for (let d = 0; d < 50 && seq < EVENTS; d++) {
      batch.push(stamp({ type: "message-delta", messageId: id, delta: { kind: "text", index: 0, text } }));
    }
    calls.push(batch);
    for (const body of [
      {
        type: "message-end",
        messageId: id,
        message: {
          role: "assistant",
          content: [
            { type: "text", text: text.repeat(10) },
            { type: "tool-use", id: `toolu_${m}`, name: "read", input: { path: "README.md" } },
          ],
        },
        stopReason: stop,
        usage,
      },
      {
        type: "tool-execution-start",
        toolCallId: `toolu_${m}`,
        toolName: "read",
        input: { path: "README.md" },
      },
      {
        type: "tool-execution-end",
        toolCallId: `toolu_${m}`,
        toolName: "read",
        result: {
          type: "tool-result",
          toolUseId: `toolu_${m}`,
          content: [{ type: "text", text: text.repeat(20) }],
        },
        durationMs: 3,
      },
    ] satisfies AgentEventBody[]) {
      if (seq < EVENTS) calls.push([stamp(body)]);
    }
  }
  return calls;
}

const rate = (count: number, ms: number) =>
  `${Math.round((count / ms) * 1000).toLocaleString("en-US")} events/s`;

async function measure(name: string, store: SessionStore): Promise<void> {
  // Each round appends a whole session afresh; the first round is also a cold start (JIT).
  const appendMs: number[] = [];
  let total = 0;
  let appends = 0;
  for (let round = 0; round < 3; round++) {
    const id = round === 2 ? "bench" : `bench_${round}`;
    const calls = workload(id);
    total = calls.reduce((n, c) => n + c.length, 0);
    appends = calls.length;
    await store.create(id);
    const start = performance.now();
    for (const call of calls) await store.append(id, call);
    appendMs.push(performance.now() - start);
  }
  console.log(
    `${name} append: ${rate(total, Math.min(...appendMs))} (${total} events in ${appends} appends; best of 3 sessions, the first cold: ${rate(total, appendMs[0]!)})`,
  );
  let start: number;

  let bestReplay = Number.POSITIVE_INFINITY;
  let bestResume = Number.POSITIVE_INFINITY;
  let messages = 0;
  for (let round = 0; round < 5; round++) {
    start = performance.now();
    for await (const _ of store.read("bench")) {
      // Counting is all a replay consumer does here.
    }
    bestReplay = Math.min(bestReplay, performance.now() - start);
    start = performance.now();
    const kept: AgentEvent[] = [];
    for await (const event of store.read("bench", { excludeDeltas: true })) kept.push(event);
    messages = rebuildMessages(kept).length;
    bestResume = Math.min(bestResume, performance.now() - start);
  }
  console.log(`${name} replay: ${rate(total, bestReplay)} (best of 5)`);
  console.log(
    `${name} resume of ${total} events: ${bestResume.toFixed(1)} ms (${messages} messages, best of 5)`,
  );
}

console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
const dir = mkdtempSync(join(tmpdir(), "arky-bench-"));
try {
  const sqlite = new SqliteSessionStore({ path: join(dir, "sessions.db") });
  await measure("SQLite", sqlite);
  await sqlite.close();

  const availability = postgresAvailability();
  if (availability.available) {
    const server = await startTestPostgres();
    const postgres = new PostgresSessionStore({
      connectionString: server.url,
      schema: `bench_${Date.now()}`,
    });
    try {
      await postgres.migrate();
      await measure("PostgreSQL", postgres);
    } finally {
      await postgres.close();
      await server.stop();
    }
  } else {
    console.log(`PostgreSQL: skipped (${availability.reason})`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
