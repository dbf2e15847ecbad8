import type { ProcessExit } from "../../process/index.js";
import type { ArkyError } from "../../protocol/index.js";
import type { ToolRegistry } from "../../tools/index.js";
import { ArkyMcpEndpoint } from "./arky-mcp-bridge.js";
import { handleControlRequest } from "./claude-code-control.js";
import type { CliLine, ControlRequestLine } from "./claude-code-messages.js";
import type { ClaudeCodeOptions } from "./claude-code-options.js";
import type { ClaudeCodeProcess, ClaudeCodeProcessListener } from "./claude-code-process.js";
import type { ClaudeCodeTurn } from "./claude-code-turn.js";

// `conversation_reset` (after a `/clear` prompt) needs no event: the CLI's new session id
// arrives on the lines that follow it.
const HANDLED = new Set([
  "system",
  "assistant",
  "user",
  "result",
  "stream_event",
  "tool_progress",
  "conversation_reset",
]);

/** What a session will resume from when its next process starts. */
export interface PendingResume {
  claudeSessionId: string;
  fork: boolean;
  transcript?: string;
  /** Resume up to and including this CLI message (a fork cut at a turn's end). */
  at?: string;
}

/** Where each Arky turn left the CLI's conversation: its last message uuid (null: none yet). */
export interface TurnEntry {
  turnId: string;
  uuid: string | null;
}

/**
 * An Arky session on the Claude Code runtime: its CLI process (when running), the CLI's
 * own session id, the turn in progress, and what is needed to start again after the
 * process is gone (resume id, transcript copy, model and mode overrides).
 */
export class ClaudeCodeSession implements ClaudeCodeProcessListener {
  readonly #onDebug: ClaudeCodeOptions["onDebug"];
  process: ClaudeCodeProcess | undefined;
  claudeSessionId: string | undefined;
  pendingResume: PendingResume | undefined;
  transcript: string | undefined;
  model: string | undefined;
  permissionMode: string | undefined;
  /** Set by `restoreState`: the session is Arky's own (resumed or forked), never `--continue`d. */
  restored = false;
  /** One entry per turn run here (and those restored), so a fork can cut at a turn's end. */
  turnEntries: TurnEntry[] = [];
  /** The uuid of the last message of the main conversation the CLI reported. */
  lastEntry: string | undefined;
  /** The CLI reports cost cumulatively per process; this is its last total. */
  processCostUsd = 0;
  turn: ClaudeCodeTurn | undefined;
  tools: ToolRegistry | undefined;

  readonly #mcp = new ArkyMcpEndpoint(
    () => this.turn?.request.tools ?? this.tools,
    () => this.turn?.runTool,
  );

  constructor(onDebug?: ClaudeCodeOptions["onDebug"]) {
    this.#onDebug = onDebug;
  }

  /** Attaches a started (or claimed) process. */
  attach(process: ClaudeCodeProcess): void {
    this.process = process;
    this.processCostUsd = 0;
    process.listener = this;
  }

  onLine(line: CliLine): void {
    if (!HANDLED.has(line.type))
      this.#onDebug?.(`Ignored a claude stdout line of unknown type "${line.type}".`, line);
    if ("session_id" in line && typeof line.session_id === "string" && line.session_id)
      this.claudeSessionId = line.session_id;
    // Entries of the main chain (not a sub-agent's), as `--resume-session-at` takes them.
    const entry = line as { parent_tool_use_id?: unknown; uuid?: unknown };
    if ((line.type === "assistant" || line.type === "user") && !entry.parent_tool_use_id)
      if (typeof entry.uuid === "string") this.lastEntry = entry.uuid;
    this.turn?.onLine(line);
  }

  onProtocolError(error: ArkyError): void {
    this.turn?.onProtocolError(error);
  }

  onExit(exit: ProcessExit): void {
    this.process = undefined;
    this.turn?.onExit(exit);
  }

  async onControlRequest(request: ControlRequestLine["request"], signal: AbortSignal): Promise<unknown> {
    // The CLI waits on us (a guard, one of Arky's tools): that is not its silence.
    const resume = this.turn?.idle?.pause();
    try {
      return await handleControlRequest(request, signal, this.turn, this.#mcp);
    } finally {
      resume?.();
    }
  }
}

/**
 * The listener of a process with no session (pooled, or being retired): a session that
 * runs no turn, so tool calls are refused, while MCP handshakes are answered with `tools`.
 */
export function idleListener(tools: ToolRegistry | undefined): ClaudeCodeProcessListener {
  const idle = new ClaudeCodeSession();
  idle.tools = tools;
  return idle;
}
