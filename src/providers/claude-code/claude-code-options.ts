import type { BackendPreset } from "./backend-presets.js";

/** A sub-agent the CLI may delegate to (its `Task` tool). */
export interface ClaudeCodeAgentDefinition {
  description: string;
  prompt: string;
  /** Tool names the sub-agent may use (default: all). */
  tools?: string[];
  /** `sonnet`, `opus`, `haiku`, `inherit`, or a model id. */
  model?: string;
}

/** An external MCP server the CLI connects to itself. */
export type ClaudeCodeMcpServer =
  | { type?: "stdio"; command: string; args?: string[]; env?: Record<string, string> }
  | { type: "http" | "sse"; url: string; headers?: Record<string, string> };

/** Permission modes of the CLI. */
export type ClaudeCodePermissionMode =
  | "default"
  | "acceptEdits"
  | "bypassPermissions"
  | "plan"
  | "dontAsk"
  | "auto";

/**
 * Options of {@link claudeCode}. Everything is optional; defaults run `claude` from `PATH`
 * in `process.cwd()` with the CLI's own configuration.
 */
export interface ClaudeCodeOptions {
  /** Model id or alias (`--model`). */
  model?: string;
  /** Model to switch to when the main one is overloaded (`--fallback-model`). */
  fallbackModel?: string;
  /** Most model calls per turn (`--max-turns`). */
  maxTurns?: number;
  /** Spending cap per CLI process in USD (`--max-budget-usd`). */
  maxBudgetUsd?: number;
  /** Thinking budget in tokens (the CLI's `MAX_THINKING_TOKENS`). */
  maxThinkingTokens?: number;
  /** A string replaces the CLI's system prompt; `{ append }` adds to it. */
  systemPrompt?: string | { append: string };
  /** Tool rules the CLI allows without asking / never allows (`Bash(git:*)`, `Read`…). */
  allowedTools?: string[];
  disallowedTools?: string[];
  /**
   * Working directory of the CLI (default `process.cwd()`), and the working folder of an
   * Agent that names none. An Agent's own `cwd` wins for its session (its CLI starts there;
   * warm-pool processes, started here, serve only sessions in this folder).
   */
  cwd?: string;
  /** More directories the CLI's tools may access (`--add-dir`). */
  additionalDirectories?: string[];
  /** Variables set (string) or removed (undefined) in the CLI's environment. */
  env?: Record<string, string | undefined>;
  /**
   * Host variables passed on to the CLI besides the base allowlist (PATH, HOME, LANG…).
   * Default: the CLI's own credentials and proxy settings ({@link DEFAULT_CLAUDE_INHERITED_ENV}).
   */
  inheritEnv?: readonly string[];
  /** Which settings files the CLI loads (`user`, `project`, `local`); default: the CLI's. */
  settingSources?: Array<"user" | "project" | "local">;
  /** Sub-agents, by name. */
  agents?: Record<string, ClaudeCodeAgentDefinition>;
  /** Plugin directories or `.zip` files (`--plugin-dir`). */
  plugins?: string[];
  /** External MCP servers by name (`--mcp-config`). Arky tools are bridged separately. */
  mcpServers?: Record<string, ClaudeCodeMcpServer>;
  /** Permission mode the CLI starts in (default `default`). */
  permissionMode?: ClaudeCodePermissionMode;
  /**
   * Allow switching to `bypassPermissions` later (`--allow-dangerously-skip-permissions`).
   * Running as root additionally needs `IS_SANDBOX=1` in `env`.
   */
  allowDangerouslySkipPermissions?: boolean;
  /** Path of the `claude` executable (default: `claude` on `PATH`). */
  executable?: string;
  /** Extra arguments before Arky's own (for flags not covered here). */
  executableArgs?: string[];
  /**
   * A private configuration home for the CLI: sets `CLAUDE_CONFIG_DIR` to it and
   * `CLAUDE_CODE_TMPDIR` to `<configDir>/tmp`, both created with mode 0700. Use one per
   * tenant on servers so sessions, transcripts and sockets do not mix.
   */
  configDir?: string;
  /** API retries inside the CLI (`CLAUDE_CODE_MAX_RETRIES`; the CLI's default is 10). */
  maxRetries?: number;
  /** A Claude-compatible backend (Bedrock, Vertex, OpenRouter, …): see `claudeCodeBackends`. */
  backend?: BackendPreset;
  /**
   * New sessions continue the CLI's most recent conversation in `cwd` (`--continue`) instead
   * of starting empty. Applies to the first process of a session that has no restored state;
   * the continued CLI session id is then the session's own, so later turns, crash recovery
   * and `Agent.resume` use `--resume` as usual. Such sessions do not take warm-pool processes.
   */
  continue?: boolean;
  /** Keep a copy of the CLI's transcript in the session state so resume works anywhere (default true). */
  keepTranscript?: boolean;
  /** Teardown timing: how long each step (interrupt, stdin close, SIGTERM) may take. Default 2000 ms. */
  graceMs?: number;
  /**
   * How long the CLI may stay silent during a turn (no stdout line), in milliseconds, before
   * the turn ends with a `timeout` error and the process is stopped. Time spent answering the
   * CLI (a permission prompt, one of Arky's tools) is not counted. Default 15 minutes (above
   * the CLI's 10-minute Bash limit); `Infinity` waits forever.
   */
  idleTimeoutMs?: number;
  /** Longest stdout line accepted, in bytes (default 16 MiB); a longer one is a `protocol` error. */
  maxLineBytes?: number;
  /** Notes about what the runtime ignored (stdout lines of types this version does not know). */
  onDebug?: (note: string, details?: unknown) => void;
}

/** Default of {@link ClaudeCodeOptions.idleTimeoutMs}: 15 minutes. */
export const DEFAULT_CLAUDE_IDLE_TIMEOUT_MS = 15 * 60 * 1000;

/** Host variables the CLI inherits by default: its credentials and proxy settings. */
export const DEFAULT_CLAUDE_INHERITED_ENV: readonly string[] = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "ANTHROPIC_BASE_URL",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "NODE_EXTRA_CA_CERTS",
];
