/**
 * Child process for the two-writer tests: opens the SQLite store at argv[2], prints
 * "ready", waits for a line on stdin, then appends to session argv[3]. Mode "once"
 * appends seq 1…argv[5] in one call ("create" first creates the session); mode "loop" does argv[5] rounds of "read lastSeq,
 * append 5 events", counting conflicts; mode "forever" appends batches of 5 until killed,
 * printing each committed seq. Prints one JSON line with the outcome.
 */
import { once } from "node:events";
import type { AgentEvent } from "../../src/protocol/index.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";

const [path, sessionId, writer, countText, mode] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const count = Number(countText);

const batch = (from: number, size: number): AgentEvent[] =>
  Array.from({ length: size }, (_, i) => ({
    type: "message-delta",
    messageId: writer,
    delta: { kind: "text", index: 0, text: `${writer} ${from + i}` },
    sessionId,
    seq: from + i,
    timestamp: Date.now(),
    turnId: "turn_1",
  }));

process.stdout.write("ready\n");
process.stdin.setEncoding("utf8");
await once(process.stdin, "data");
// Opened after the go signal, so racing writers also race to create and migrate the file.
const store = new SqliteSessionStore({ path, busyTimeoutMs: 10_000 });
if (mode === "create") await store.create(sessionId);

if (mode === "once" || mode === "create") {
  try {
    await store.append(sessionId, batch(1, count));
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, code: (error as { code?: string }).code })}\n`);
  }
} else if (mode === "forever") {
  // Appends until killed, reporting each committed seq once append has returned.
  for (let lastSeq = 0; ; lastSeq += 5) {
    await store.append(sessionId, batch(lastSeq + 1, 5));
    process.stdout.write(`${lastSeq + 5}\n`);
  }
} else {
  let appended = 0;
  let conflicts = 0;
  for (let round = 0; round < count; round++) {
    const meta = await store.get(sessionId);
    try {
      await store.append(sessionId, batch(meta!.lastSeq + 1, 5));
      appended++;
    } catch (error) {
      if ((error as { code?: string }).code !== "session-conflict") throw error;
      conflicts++;
    }
  }
  process.stdout.write(`${JSON.stringify({ ok: true, appended, conflicts })}\n`);
}
await store.close();
process.exit(0);
