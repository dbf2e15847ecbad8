import { type AgentEvent, ArkyError, newSessionId } from "../protocol/index.js";
import type { AgentRuntime, ForkCut } from "../provider/index.js";
import { forkPoint, type SessionMetadata, type SessionStore } from "../session/index.js";

/** A fork point that `Agent.fork` accepted: the parent's metadata and where the fork cuts. */
export interface ForkPlan {
  meta: SessionMetadata;
  /** Set when the fork leaves out (part of) a turn (see {@link ForkCut}). */
  cut?: ForkCut;
}

/** What is open at a seq: a message or tool execution started and not yet ended. */
interface Open {
  kind: "message" | "tool call";
  startSeq: number;
  endSeq?: number;
}

/**
 * Checks a fork point against the parent's log. `atSeq` may be any seq from 0 to the last
 * one that lies between messages and tool executions; one beyond the log, or inside a
 * message (`message-start`…`message-end`) or a tool execution
 * (`tool-execution-start`…`tool-execution-end`), is refused with a `configuration` error
 * naming the seqs around it. Throws `session-not-found` for an unknown session.
 */
export async function planFork(
  store: SessionStore,
  sessionId: string,
  atSeq: number | undefined,
): Promise<ForkPlan> {
  const meta = await store.get(sessionId);
  if (!meta) throw new ArkyError({ code: "session-not-found", message: `No session with id ${sessionId}.` });
  if (atSeq === undefined) return { meta };
  if (Number.isInteger(atSeq) && atSeq > meta.lastSeq)
    throw new ArkyError({
      code: "configuration",
      message: `Cannot fork session ${sessionId} at seq ${atSeq}: its log ends at seq ${meta.lastSeq}.`,
      correction: `Pass an atSeq from 0 to ${meta.lastSeq}, or omit it to copy all events.`,
    });
  forkPoint(sessionId, atSeq, meta.lastSeq); // refuses a negative or fractional seq
  const opens = new Map<string, Open>();
  let lastKeptTurn: string | undefined;
  let openTurn: string | undefined;
  let laterTurn = false;
  for await (const event of store.read(sessionId, { excludeDeltas: true })) {
    if (event.seq > atSeq) {
      closeOpen(opens, event);
      if (event.type === "turn-start") laterTurn = true;
      continue;
    }
    if (event.type === "turn-start") openTurn = event.turnId;
    if (event.type === "turn-end") {
      lastKeptTurn = event.turnId;
      openTurn = undefined;
    }
    if (event.type === "message-start")
      opens.set(`m:${event.messageId}`, { kind: "message", startSeq: event.seq });
    if (event.type === "tool-execution-start")
      opens.set(`t:${event.toolCallId}`, { kind: "tool call", startSeq: event.seq });
    if (event.type === "message-end") opens.delete(`m:${event.messageId}`);
    if (event.type === "tool-execution-end") opens.delete(`t:${event.toolCallId}`);
  }
  const inside = [...opens.values()].find((open) => open.endSeq !== undefined);
  if (inside) throw insideError(sessionId, atSeq, inside);
  const midTurn = openTurn !== undefined && atSeq < meta.lastSeq;
  if (!midTurn && !laterTurn) return { meta };
  return { meta, cut: { midTurn, ...(lastKeptTurn ? { lastTurnId: lastKeptTurn } : {}) } };
}

function closeOpen(opens: Map<string, Open>, event: AgentEvent): void {
  const key =
    event.type === "message-end"
      ? `m:${event.messageId}`
      : event.type === "tool-execution-end"
        ? `t:${event.toolCallId}`
        : undefined;
  const open = key === undefined ? undefined : opens.get(key);
  if (open && open.endSeq === undefined) open.endSeq = event.seq;
}

function insideError(sessionId: string, atSeq: number, open: Open): ArkyError {
  return new ArkyError({
    code: "configuration",
    message: `Cannot fork session ${sessionId} at seq ${atSeq}: it falls inside a ${open.kind} (seq ${open.startSeq} to ${open.endSeq}).`,
    correction: `Fork at seq ${open.startSeq - 1} (before it) or ${open.endSeq} (after it).`,
    details: { atSeq, startSeq: open.startSeq, endSeq: open.endSeq },
  });
}

/**
 * Checks the fork point ({@link planFork}), hands the runtime the parent's state for the
 * new session (a runtime that cannot fork there refuses before anything is stored), then
 * copies the events. Returns the fork's session id.
 */
export async function forkSession(
  store: SessionStore,
  runtime: AgentRuntime | undefined,
  sessionId: string,
  options: { atSeq?: number; newSessionId?: string },
): Promise<string> {
  const { meta, cut } = await planFork(store, sessionId, options.atSeq);
  const id = options.newSessionId ?? newSessionId();
  if (meta.runtimeState && runtime?.restoreState)
    await runtime.restoreState(id, meta.runtimeState, { fork: true, ...(cut ? { cut } : {}) });
  const forked = await store.fork(sessionId, { atSeq: options.atSeq, newSessionId: id });
  return forked.sessionId;
}
