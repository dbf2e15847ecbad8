import {
  type AgentEvent,
  type AgentEventBody,
  type AgentEventBodyOf,
  type ArkyError,
  serializeError,
  stopReason,
  toArkyError,
} from "../protocol/index.js";
import { type AgentRuntime, failedTurnEnd } from "../provider/index.js";
import type { SessionStore } from "../session/index.js";
import type { SessionEvents } from "./session-events.js";
import { storeFailure } from "./session-writer.js";

type TurnEnd = AgentEventBodyOf<"turn-end">;

/** What ends a turn: the session's events, and the runtime whose resume state the store keeps. */
export interface TurnEnding {
  events: SessionEvents;
  runtime: AgentRuntime;
  store: SessionStore;
}

/** Ends a failed or cancelled turn: its `error` (unless cancelled), then its `turn-end` (see {@link endTurn}). */
export function endFailedTurn(
  ending: TurnEnding,
  turnId: string | undefined,
  error: ArkyError,
): Promise<AgentEvent[]> {
  const bodies = failedTurnEnd(error);
  return endTurn(ending, turnId, bodies.pop() as TurnEnd, bodies);
}

/**
 * Ends a turn durably: saves the runtime's resume state (`runtimeState`; not after a failed commit),
 * then emits `lead` (a failed turn's `error`, say) and the `turn-end`, which commits them.
 * Neither failure is silent: a state that could not be saved, or events that could not be
 * committed, each add a fatal `error` event with the store's code before the `turn-end`,
 * and the `turn-end` carries that error unless the turn had failed already. Never rejects
 * for a store failure; the events returned have been fanned out.
 */
export async function endTurn(
  ending: TurnEnding,
  turnId: string | undefined,
  end: TurnEnd,
  lead: AgentEventBody[] = [],
): Promise<AgentEvent[]> {
  const { events, runtime, store } = ending;
  const bodies = [...lead];
  let last = end;
  const state = events.failure ? undefined : runtime.getState?.(events.sessionId);
  if (state !== undefined) {
    try {
      await store.update(events.sessionId, { runtimeState: state });
    } catch (cause) {
      const failure = stateSaveFailure(cause, events.sessionId);
      bodies.push(errorBody(failure));
      last = withError(last, failure);
    }
  }
  bodies.push(last);
  const out: AgentEvent[] = [];
  for (let i = 0; i < bodies.length; i++) {
    try {
      out.push(await events.emit(bodies[i]!, turnId));
    } catch (thrown) {
      // The commit failed, so the writer stores nothing more and these emits cannot reject.
      const failure = toArkyError(thrown, "store");
      for (const body of bodies.slice(i, -1)) out.push(await events.emit(body, turnId));
      out.push(await events.emit(errorBody(failure), turnId));
      out.push(await events.emit(withError(last, failure), turnId));
      break;
    }
  }
  return out;
}

/** The `turn-end` with `error` (and stop reason `error`), unless it carries an error already. */
function withError(end: TurnEnd, error: ArkyError): TurnEnd {
  return end.error ? end : { ...end, stopReason: stopReason("error"), error: serializeError(error) };
}

function errorBody(error: ArkyError): AgentEventBody {
  return { type: "error", error: serializeError(error), fatal: true };
}

/** The error of a failed save of the runtime's resume state (see {@link storeFailure}). */
function stateSaveFailure(cause: unknown, sessionId: string): ArkyError {
  return storeFailure(cause, {
    message: `The runtime's resume state of session ${sessionId} could not be saved`,
    correction:
      "The turn's events are stored, but Agent.resume may continue the runtime's own session from an " +
      "earlier state. The state is saved again at the end of the next turn.",
    details: { sessionId },
  });
}
