import { resolve } from "node:path";
import { HookChain } from "../hooks/index.js";
import { createToolCallGuard, type ToolCallGuard } from "../permissions/index.js";
import {
  type AgentEvent,
  type AgentEventBody,
  type AgentEventBodyOf,
  type AgentEventOf,
  ArkyError,
  addUsage,
  deserializeError,
  type Message,
  textOf,
  type UserMessage,
} from "../protocol/index.js";
import { type AgentRuntime, EventQueue } from "../provider/index.js";
import {
  ConversationBuilder,
  type SessionMetadata,
  type SessionStore,
  stopFollowUp,
} from "../session/index.js";
import type { AgentOptions, AgentResult } from "./agent-types.js";
import type { SessionEvents } from "./session-events.js";

/** Where a turn of `Agent.stream` stands, shared with its cleanup. */
export interface TurnState {
  turnId: string | undefined;
  /** Whether the turn's terminal event was emitted. */
  ended: boolean;
}

/** A stored session, loaded to be continued. */
export interface Restored {
  lastSeq: number;
  conversation: ConversationBuilder;
  meta: SessionMetadata;
  fork: boolean;
  /** Set when `Agent.fork` already handed the runtime its state. */
  stateRestored?: boolean;
}

/** Reads a stored session's events into a conversation. Throws `session-not-found`. */
export async function loadSession(store: SessionStore, sessionId: string, fork: boolean): Promise<Restored> {
  const meta = await store.get(sessionId);
  if (!meta) throw new ArkyError({ code: "session-not-found", message: `No session with id ${sessionId}.` });
  const conversation = new ConversationBuilder();
  let lastSeq = 0;
  for await (const event of store.read(sessionId, { excludeDeltas: true })) {
    conversation.add(event);
    lastSeq = event.seq;
  }
  return { lastSeq: Math.max(lastSeq, meta.lastSeq), conversation, meta, fork };
}

/**
 * The guard from `guard`, or from `permissions` and `hooks` with rules resolved against the
 * Agent's working folder. Without `permissions` the mode is `default`: read-only tools run,
 * anything else needs an allow rule, an accepting mode, a hook's allow or a `canUseTool` answer.
 */
export function buildGuard(
  options: AgentOptions,
  sessionId: string,
  cwd: string,
): { guard: ToolCallGuard; hooks?: HookChain } {
  const { guard, permissions, hooks } = options;
  const chain = hooks === undefined ? undefined : hooks instanceof HookChain ? hooks : new HookChain(hooks);
  if (guard) return { guard, hooks: chain };
  if (permissions?.cwd !== undefined && resolve(permissions.cwd) !== cwd)
    throw new ArkyError({
      code: "configuration",
      message: `permissions.cwd (${resolve(permissions.cwd)}) is not the Agent's working folder (${cwd}).`,
      correction: "Set the Agent's cwd instead: one folder serves the rules, the tools and the runtime.",
    });
  const built = createToolCallGuard({ permissions: { ...permissions, cwd }, hooks: chain, sessionId });
  return { guard: built, hooks: built.hooks };
}

export function unsupported(runtime: AgentRuntime, feature: string): ArkyError {
  return new ArkyError({
    code: "capability-unsupported",
    message: `The ${runtime.kind} runtime does not support ${feature}().`,
  });
}

/** A runtime's `turn-end` body. */
export type TurnEnd = AgentEventBodyOf<"turn-end">;

/**
 * The `turn-end` of a turn whose runtime ran again (a stop hook blocked the stop): the last
 * run's stop reason and error, with usage, cost, duration and model calls summed over the runs.
 */
export function sumTurnEnds(before: TurnEnd | undefined, end: TurnEnd): TurnEnd {
  if (!before) return end;
  const costs = [before.costUsd, end.costUsd];
  return {
    ...end,
    usage: addUsage(before.usage, end.usage),
    costUsd: costs.includes(undefined) ? undefined : before.costUsd! + end.costUsd!,
    durationMs: before.durationMs + end.durationMs,
    modelCalls: before.modelCalls + end.modelCalls,
  };
}

/**
 * Runs the `onStop` hooks of a turn that ended well and stores their events. Returns the
 * events and, when a hook blocked the stop, the message the turn goes on with.
 */
export async function runStopHooks(
  hooks: HookChain | undefined,
  events: SessionEvents,
  end: TurnEnd,
  turnId: string,
  signal: AbortSignal,
): Promise<{ events: AgentEvent[]; followUp?: UserMessage }> {
  if (!hooks?.has("onStop") || end.error || signal.aborted) return { events: [] };
  const last = events.conversation.messages.findLast((m) => m.role === "assistant");
  const stop = await hooks.onStop({
    sessionId: events.sessionId,
    signal,
    lastAssistantText: last ? textOf(last) : undefined,
  });
  const emitted: AgentEvent[] = [];
  for (const event of stop.events) emitted.push(await events.emit(event, turnId));
  if (stop.decision !== "continue") return { events: emitted };
  return { events: emitted, followUp: stopFollowUp(stop.reason) };
}

/** The result `prompt()` returns for a turn, and the error it throws when the turn failed. */
export function turnOutcome(
  end: AgentEventOf<"turn-end">,
  messages: Message[],
): { result: AgentResult; error?: ArkyError } {
  const lastAssistant = messages.findLast((m) => m.role === "assistant");
  const result: AgentResult = {
    sessionId: end.sessionId,
    turnId: end.turnId!,
    text: lastAssistant ? textOf(lastAssistant) : "",
    messages,
    stopReason: end.stopReason,
    usage: end.usage,
    costUsd: end.costUsd,
    durationMs: end.durationMs,
    ...(end.error ? { error: end.error } : {}),
  };
  if (!end.error) return { result };
  return { result, error: deserializeError({ ...end.error, details: { ...end.error.details, result } }) };
}

/**
 * Reads a runtime's turn in bursts: all buffered events at once from the native loop's
 * queue, one at a time from any other iterable. `close` stops the source (as leaving a
 * `for await` would).
 */
export function batchesOf(turn: AsyncIterable<AgentEventBody>): {
  next(): Promise<readonly AgentEventBody[] | undefined>;
  close(): Promise<void>;
} {
  if (turn instanceof EventQueue) {
    return { next: () => turn.nextBatch(), close: async () => void (await turn.return()) };
  }
  const iterator = turn[Symbol.asyncIterator]();
  let done = false;
  return {
    async next() {
      const result = await iterator.next();
      if (result.done) {
        done = true;
        return undefined;
      }
      return [result.value];
    },
    async close() {
      if (!done) await iterator.return?.();
    },
  };
}
