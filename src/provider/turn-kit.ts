import type { ProcessExit } from "../process/index.js";
import {
  type AgentEventBody,
  ArkyError,
  emptyUsage,
  serializeError,
  stopReason,
  toArkyError,
  type UnifiedStopReason,
  type Usage,
  type UserMessage,
} from "../protocol/index.js";

/** What a turn had used when it failed (all optional: a turn that never started used nothing). */
export interface TurnSoFar {
  usage?: Usage;
  costUsd?: number;
  durationMs?: number;
  modelCalls?: number;
  /** The runtime's own stop reason, kept as `stopReason.raw`. */
  raw?: string;
}

const STOP_OF_CODE: Partial<Record<ArkyError["code"], UnifiedStopReason>> = {
  cancelled: "cancelled",
  "context-overflow": "context-overflow",
  "max-turns": "max-turns",
  "budget-exceeded": "budget-exceeded",
};

/**
 * The terminal events of a failed or cancelled turn, the same on every runtime: a fatal
 * `error` (none for a cancellation), then the `turn-end` carrying the serialized error, a
 * stop reason derived from its code (`cancelled`, `context-overflow`, `max-turns`,
 * `budget-exceeded`, else `error`) and what the turn used so far.
 */
export function failedTurnEnd(error: ArkyError, soFar: TurnSoFar = {}): AgentEventBody[] {
  const serialized = serializeError(error);
  const unified = STOP_OF_CODE[error.code] ?? "error";
  const end: AgentEventBody = {
    type: "turn-end",
    stopReason: stopReason(unified, soFar.raw),
    usage: soFar.usage ?? emptyUsage(),
    costUsd: soFar.costUsd,
    durationMs: soFar.durationMs ?? 0,
    modelCalls: soFar.modelCalls ?? 0,
    error: serialized,
  };
  return unified === "cancelled" ? [end] : [{ type: "error", error: serialized, fatal: true }, end];
}

// A CLI reports a failed model call without an HTTP status only in words; these are the
// shapes of codex-cli 0.169.0 (protocols/codex.md §10) and of the Claude Code CLI.
const TRANSPORT_CODES: Array<[RegExp, ArkyError["code"]]> = [
  [/idle timeout/i, "timeout"],
  [
    /error sending request|error decoding response body|connection (refused|reset|dropped)|transport error|ECONNRESET|ECONNREFUSED/i,
    "connection",
  ],
  [
    /stream disconnected|response\.completed|failed to parse|malformed|JSON Parse error/i,
    "malformed-response",
  ],
  [/missing environment variable/i, "authentication"],
];

/** The code of a CLI's model-call failure known only by its message, the same on both CLIs. */
export function transportErrorCode(message: string): ArkyError["code"] | undefined {
  return TRANSPORT_CODES.find(([pattern]) => pattern.test(message))?.[1];
}

/** A second turn on a session whose turn is still running: the same error on every runtime. */
export function turnRunningError(): ArkyError {
  return new ArkyError({
    code: "session-conflict",
    message: "A turn is already running on this session.",
    correction: "Wait for the running turn to end, or cancel it, before starting another.",
  });
}

/**
 * The error of a turn input the runtime cannot send, or undefined: an input needs text or an
 * image, or (where the runtime accepts them: not the CLIs, which run their own tools) tool results.
 */
export function inputError(input: UserMessage, toolResults = false): ArkyError | undefined {
  if (input.content.some((b) => b.type !== "tool-result" || toolResults)) return undefined;
  return new ArkyError({
    code: "invalid-request",
    message: `This turn's input has no text or image${toolResults ? " or tool result" : ""}.`,
    correction:
      "Prompt with text (a CLI runtime runs its tools itself, so tool results are not input for it).",
  });
}

/** A runtime process that ended mid-turn: its unexpected-exit error, or for a close Arky asked for, the same words on every runtime. */
export function processExitedError(name: string, exit: ProcessExit): ArkyError {
  const details = { exitCode: exit.code, signal: exit.signal };
  return (
    exit.error ??
    new ArkyError({ code: "process-exited", message: `${name} was closed before the turn ended.`, details })
  );
}

/** A turn on a runtime after its `close()`: the same error on every runtime. */
export function runtimeClosedError(kind: string): ArkyError {
  return new ArkyError({ code: "configuration", message: `This ${kind} runtime is closed.` });
}

/**
 * Runs steps one after another in the order they were added, each after the previous one
 * settled. The one error policy: a step that throws does not break the chain, and its
 * error goes to `onError` (a runtime reports it as a non-fatal `error` event), classified as
 * `protocol` unless it is an `ArkyError` already; the promise of that step resolves.
 */
export class WorkChain {
  #tail: Promise<void> = Promise.resolve();
  readonly #onError: (error: ArkyError) => void;

  constructor(onError: (error: ArkyError) => void) {
    this.#onError = onError;
  }

  /** Adds a step; resolves once it ran (or failed and was reported). */
  run(step: () => Promise<void> | void): Promise<void> {
    const next = this.#tail
      .then(step)
      .catch((thrown: unknown) => void this.#onError(toArkyError(thrown, "protocol")));
    this.#tail = next;
    return next;
  }
}
