import { ArkyError } from "../../protocol/index.js";
import type { ClaudeCodeOptions } from "./claude-code-options.js";

/** How one CLI process starts: a fresh session, or resuming (and maybe forking) one. */
export interface SpawnPlan {
  /** `at`: the CLI message uuid to resume up to and including (`--resume-session-at`). */
  resume?: { claudeSessionId: string; fork: boolean; at?: string };
  /** Continue the CLI's most recent conversation in the cwd (`--continue`); ignored with `resume`. */
  continue?: boolean;
  /** Overrides of the runtime options for this session (after `setModel` / `setPermissionMode`). */
  model?: string;
  permissionMode?: string;
}

/** The flags every Arky-driven CLI process gets. */
export const BASE_FLAGS = [
  "--output-format",
  "stream-json",
  "--verbose",
  "--input-format",
  "stream-json",
  "--include-partial-messages",
  "--permission-prompt-tool",
  "stdio",
] as const;

/** The command line of a CLI process. Throws `configuration` on invalid options. */
export function buildClaudeArgs(options: ClaudeCodeOptions, plan: SpawnPlan = {}): string[] {
  const args = [...(options.executableArgs ?? []), ...BASE_FLAGS];
  const model = plan.model ?? options.model;
  if (options.continue !== undefined && typeof options.continue !== "boolean")
    throw invalid("continue must be true or false.");
  if (model) args.push("--model", model);
  if (options.fallbackModel) args.push("--fallback-model", options.fallbackModel);
  if (options.maxTurns !== undefined)
    args.push("--max-turns", String(integer(options.maxTurns, "maxTurns", 1)));
  if (options.maxBudgetUsd !== undefined) {
    if (!(options.maxBudgetUsd > 0)) throw invalid("maxBudgetUsd must be a positive number of US dollars.");
    args.push("--max-budget-usd", String(options.maxBudgetUsd));
  }
  if (typeof options.systemPrompt === "string") args.push("--system-prompt", options.systemPrompt);
  else if (options.systemPrompt) args.push("--append-system-prompt", options.systemPrompt.append);
  if (options.allowedTools?.length) args.push("--allowedTools", options.allowedTools.join(","));
  if (options.disallowedTools?.length) args.push("--disallowedTools", options.disallowedTools.join(","));
  for (const dir of options.additionalDirectories ?? []) args.push("--add-dir", dir);
  if (options.settingSources) args.push("--setting-sources", options.settingSources.join(","));
  for (const plugin of options.plugins ?? []) args.push("--plugin-dir", plugin);
  if (options.mcpServers && Object.keys(options.mcpServers).length > 0)
    args.push("--mcp-config", JSON.stringify({ mcpServers: options.mcpServers }));
  const mode = plan.permissionMode ?? options.permissionMode;
  if (mode) args.push("--permission-mode", mode);
  if (options.allowDangerouslySkipPermissions || mode === "bypassPermissions")
    args.push("--allow-dangerously-skip-permissions");
  if (plan.resume) {
    args.push("--resume", plan.resume.claudeSessionId);
    if (plan.resume.fork) args.push("--fork-session");
    if (plan.resume.at) args.push("--resume-session-at", plan.resume.at);
  } else if (plan.continue) args.push("--continue");
  return args;
}

/** The environment additions of a CLI process (on top of the inherited allowlist). */
export function buildClaudeEnv(options: ClaudeCodeOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  if (options.configDir) {
    env.CLAUDE_CONFIG_DIR = options.configDir;
    env.CLAUDE_CODE_TMPDIR = `${options.configDir}/tmp`;
  }
  if (options.maxRetries !== undefined)
    env.CLAUDE_CODE_MAX_RETRIES = String(integer(options.maxRetries, "maxRetries", 0));
  if (options.maxThinkingTokens !== undefined)
    env.MAX_THINKING_TOKENS = String(integer(options.maxThinkingTokens, "maxThinkingTokens", 0));
  Object.assign(env, options.backend?.env, options.env);
  return env;
}

function integer(value: number, name: string, min: 0 | 1): number {
  if (!Number.isInteger(value) || value < min)
    throw invalid(`${name} must be a ${min === 1 ? "positive" : "non-negative"} integer.`);
  return value;
}

function invalid(message: string): ArkyError {
  return new ArkyError({ code: "configuration", message: `Invalid claudeCode() option: ${message}` });
}
