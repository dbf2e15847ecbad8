import type { AgentEventBody, Message, UserMessage } from "../protocol/index.js";
import type { ToolRegistry } from "../tools/index.js";
import type { TurnTools } from "./tool-service.js";

/**
 * What a runtime needs to run one turn. Every tool call goes through the request's
 * {@link TurnTools} (`runTool` for Arky's tools, `decide` and `endTool` for a CLI's own):
 * a runtime never asks the guard or runs a tool by itself.
 */
export interface TurnRequest extends TurnTools {
  sessionId: string;
  turnId: string;
  /** The user's input for this turn. */
  input: UserMessage;
  /**
   * The conversation before this turn, rebuilt from the session's events. Runtimes that
   * keep their own conversation (CLI runtimes) may ignore it.
   */
  history: readonly Message[];
  /** Arky's tools, to offer to the model (run them with `runTool`). */
  tools: ToolRegistry;
  /**
   * The Agent's working folder (its `cwd`, else the runtime's {@link AgentRuntime.cwd}, else
   * its tools', else `process.cwd()`). Runtimes that run tools in a folder run this
   * session's there: it is the folder the Agent's permission rules are resolved against.
   */
  cwd?: string;
  /** Aborted when the caller cancels the turn. Pass it to everything the turn starts. */
  signal: AbortSignal;
}

/** Where a fork cuts its parent's log, when it leaves out (part of) a turn. */
export interface ForkCut {
  /** The `turnId` of the last turn the fork keeps whole; undefined when it keeps none. */
  lastTurnId?: string;
  /** True when the cut falls inside a turn (between its `turn-start` and `turn-end`). */
  midTurn: boolean;
}

/**
 * Runs whole turns: model calls, tools, permissions, hooks. The native loop and the CLI
 * runtimes implement this; the Agent is the same over all of them.
 *
 * Contract for `runTurn`: it yields event bodies (the Agent stamps `sessionId`, `seq`,
 * `timestamp`, `turnId`) and must not throw once iterated. It yields exactly one
 * `turn-end`, as its last event; failures are an `error` event before it (build both with
 * `failedTurnEnd`; docs/errors.md lists the codes every runtime shares). The Agent
 * emits `session-start` and `turn-start` itself. Leaving the iteration early must stop
 * the turn's work.
 *
 * Optional methods are capabilities: absent means unsupported, and the Agent then throws
 * a `capability-unsupported` error naming the runtime.
 */
export interface AgentRuntime {
  /** Short name, e.g. `native`, `claude-code`, `codex`. */
  readonly kind: string;
  /** The model in use, when known. */
  readonly model?: string;
  /**
   * The folder the runtime was told to work in (`claudeCode({ cwd })`), when one was given:
   * an Agent without its own `cwd` takes it as its working folder.
   */
  readonly cwd?: string;
  runTurn(request: TurnRequest): AsyncIterable<AgentEventBody>;
  /** Switches the model for later turns of a session. */
  setModel?(sessionId: string, model: string): Promise<void>;
  /** Changes the permission mode of a session mid-way (CLI runtimes forward it to the CLI). */
  setPermissionMode?(sessionId: string, mode: string): Promise<void>;
  /**
   * Resume data of a session (a CLI's own session or thread id, a transcript copy), plain
   * JSON. The Agent stores it in the session metadata (`runtimeState`) after each turn.
   */
  getState?(sessionId: string): Record<string, unknown> | undefined;
  /**
   * Called with what `getState` returned earlier (possibly in another process), so the
   * runtime can use its native resume: before the first turn of a resumed session, and by
   * `Agent.fork` before the fork is stored. `fork` is true when the session is a fork of
   * the one the state came from; `cut` is set when the fork leaves out (part of) a turn
   * the state covers. A runtime that cannot fork there throws `capability-unsupported`.
   */
  restoreState?(
    sessionId: string,
    state: Record<string, unknown>,
    options: { fork: boolean; cut?: ForkCut },
  ): Promise<void>;
  /** Ends a session's resources (its CLI process, its thread) but not the runtime. */
  closeSession?(sessionId: string): Promise<void>;
  /** Releases processes and connections. Idempotent. */
  close?(): Promise<void>;
}
