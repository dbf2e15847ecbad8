import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { AgentEvent } from "../../src/protocol/index.js";
import { stamp, textTurn, toolTurn } from "../session/events.js";

/** A temp directory removed after the file's tests. */
export function tempDir(prefix = "arky-stores-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A session of `turns` turns: one tool turn then text turns, seq 1…n. */
export function sessionEvents(sessionId: string, turns = 2): AgentEvent[] {
  const events = stamp(sessionId, toolTurn("What is the weather?"));
  for (let t = 1; t < turns; t++) {
    events.push(
      ...stamp(sessionId, textTurn(`turn ${t}`), { firstSeq: events.length + 1, turnId: `turn_${t + 1}` }),
    );
  }
  return events;
}

/** `count` text deltas continuing a session after `lastSeq`. */
export function deltas(sessionId: string, lastSeq: number, count: number): AgentEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: "message-delta",
    messageId: "msg_d",
    delta: { kind: "text", index: 0, text: `chunk ${i} ` },
    sessionId,
    seq: lastSeq + 1 + i,
    timestamp: 1_800_000_000_000 + i,
    turnId: "turn_d",
  }));
}
