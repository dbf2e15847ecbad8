import type { JsonLineProcessOptions } from "../../process/index.js";
import { ArkyError } from "../../protocol/index.js";

/** When Codex asks before running a command (`untrusted` asks for nearly everything). */
export type CodexApprovalPolicy = "untrusted" | "on-request" | "never";
/** Codex's sandbox for commands. */
export type CodexSandboxMode = "read-only" | "workspace-write" | "danger-full-access";
/** The reasoning efforts Codex accepts (`ReasoningEffort` of its app-server protocol). */
export const CODEX_REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"] as const;
/** Reasoning effort of OpenAI reasoning models. */
export type CodexReasoningEffort = (typeof CODEX_REASONING_EFFORTS)[number];

/** A custom model provider: any endpoint speaking the OpenAI Responses API. */
export interface CodexModelProvider {
  /** Provider id in Codex's config (default `arky`). */
  id?: string;
  /** Base URL up to `/v1`; Codex posts to `{baseUrl}/responses`. */
  baseUrl: string;
  /** Name of the environment variable holding the API key (sent as a bearer token). */
  envKey?: string;
}

/** Codex's own retry settings for a custom provider (its defaults: 4 and 5). */
export interface CodexRetryOptions {
  /** Retries of a failed HTTP request inside one attempt (`request_max_retries`). */
  requestMaxRetries?: number;
  /** Retries of a dropped or failed stream (`stream_max_retries`). */
  streamMaxRetries?: number;
  /** Idle time after which a silent stream counts as dropped (`stream_idle_timeout_ms`). */
  streamIdleTimeoutMs?: number;
}

/** Options of {@link codex}. */
export interface CodexRuntimeOptions {
  /** The `codex` executable: a path or a name on `PATH` (default `codex`). */
  executable?: string;
  /** Codex's state directory (`CODEX_HOME`); default: Codex's own (`~/.codex`). */
  codexHome?: string;
  /** Model slug for new threads (default: Codex's configured model). */
  model?: string;
  /** Reasoning effort for new threads (default: Codex's configured effort). */
  reasoningEffort?: CodexReasoningEffort;
  /**
   * Working directory of the app server, and of threads whose turn request names no `cwd`
   * (an Agent's `cwd` option wins for its session). Default `process.cwd()`.
   */
  cwd?: string;
  /**
   * When Codex asks for approval (default `untrusted`, so Arky's permissions and hooks see
   * commands). With `never`, commands run in the sandbox without asking Arky.
   */
  approvalPolicy?: CodexApprovalPolicy;
  /** Default `workspace-write`. */
  sandboxMode?: CodexSandboxMode;
  modelProvider?: CodexModelProvider;
  /** Codex's retry settings; applied to the custom `modelProvider`. */
  retry?: CodexRetryOptions;
  /** Variables to set (string) or remove (undefined) in the app server's environment. */
  env?: Record<string, string | undefined>;
  /** More host variables to inherit (the provider's `envKey` and `CODEX_API_KEY` always are). */
  inheritEnv?: readonly string[];
  /** Extra `-c key=value` overrides (values are TOML, e.g. `'"high"'`). */
  config?: Record<string, string>;
  /** Keep Codex's plugin sync (network) on. Default false: `--disable plugins`. */
  enablePlugins?: boolean;
  /**
   * Keep Codex's shell snapshot on. Default false (`--disable shell_snapshot`): the
   * snapshot is a login shell Codex starts in its own session at thread start, outside the
   * app server's process group, so a slow or hanging profile would outlive the runtime.
   */
  shellSnapshot?: boolean;
  /** Timeout of one JSON-RPC request in milliseconds (default 60 s). */
  requestTimeoutMs?: number;
  /**
   * How long the app server may stay silent about a running turn (no notification for its
   * thread), in milliseconds, before the turn ends with a `timeout` error (and Codex is
   * asked to interrupt it). Time spent answering Codex (an approval, one of Arky's tools) is
   * not counted. Default 15 minutes; `Infinity` waits forever.
   */
  idleTimeoutMs?: number;
}

/** Default of {@link CodexRuntimeOptions.idleTimeoutMs}: 15 minutes. */
export const DEFAULT_CODEX_IDLE_TIMEOUT_MS = 15 * 60 * 1000;

/** How to spawn the app server. */
export type CodexLaunch = Pick<
  JsonLineProcessOptions<unknown>,
  "command" | "args" | "cwd" | "env" | "inheritEnv"
>;

const tomlString = (value: string) => JSON.stringify(value);

/** Validates options; throws a `configuration` error before anything starts. */
export function validateCodexOptions(options: CodexRuntimeOptions): void {
  const bad = (message: string, correction?: string) =>
    new ArkyError({ code: "configuration", message, correction });
  const provider = options.modelProvider;
  if (provider) {
    if (!/^https?:\/\//.test(provider.baseUrl))
      throw bad(`modelProvider.baseUrl must be an http(s) URL: ${provider.baseUrl}`);
    if (provider.id !== undefined && !/^[A-Za-z0-9_-]+$/.test(provider.id))
      throw bad(`modelProvider.id may only hold letters, digits, "_" and "-": ${provider.id}`);
    if (provider.envKey !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(provider.envKey))
      throw bad(`modelProvider.envKey is not a variable name: ${provider.envKey}`);
  }
  if (options.reasoningEffort !== undefined) assertReasoningEffort(options.reasoningEffort);
  if (options.retry && !provider)
    throw bad("retry settings apply to a custom model provider.", "Pass `modelProvider` with `retry`.");
  for (const [key, value] of Object.entries(options.retry ?? {}))
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      throw bad(`retry.${key} must be a non-negative integer, got ${value}.`);
}

/** Throws a `configuration` error unless `effort` is a {@link CodexReasoningEffort}. */
export function assertReasoningEffort(effort: unknown): asserts effort is CodexReasoningEffort {
  if (!(CODEX_REASONING_EFFORTS as readonly unknown[]).includes(effort))
    throw new ArkyError({
      code: "configuration",
      message: `Unknown Codex reasoning effort: ${JSON.stringify(effort)}.`,
      correction: `Use one of ${CODEX_REASONING_EFFORTS.join(", ")}.`,
      details: { effort },
    });
}

/** Credentials the app server may hold but its shell commands never see. */
const CODEX_CREDENTIALS = ["CODEX_API_KEY", "OPENAI_API_KEY"];

/**
 * The command line and environment of `codex app-server` for these options. Codex's
 * `shell_environment_policy` keeps the API keys it reads (`CODEX_API_KEY`, `OPENAI_API_KEY`,
 * the provider's `envKey`) out of the commands its shell tool runs.
 */
export function codexLaunch(options: CodexRuntimeOptions): CodexLaunch {
  const args = ["app-server"];
  if (!options.enablePlugins) args.push("--disable", "plugins");
  if (!options.shellSnapshot) args.push("--disable", "shell_snapshot");
  const config: Array<[string, string]> = [];
  const inheritEnv = ["CODEX_API_KEY", ...(options.inheritEnv ?? [])];
  const secrets = [...CODEX_CREDENTIALS];
  const provider = options.modelProvider;
  if (provider) {
    const id = provider.id ?? "arky";
    const fields = [
      `name = ${tomlString(id)}`,
      `base_url = ${tomlString(provider.baseUrl)}`,
      `wire_api = "responses"`,
    ];
    if (provider.envKey) {
      fields.push(`env_key = ${tomlString(provider.envKey)}`);
      inheritEnv.push(provider.envKey);
      secrets.push(provider.envKey);
    }
    const retry = options.retry ?? {};
    if (retry.requestMaxRetries !== undefined)
      fields.push(`request_max_retries = ${retry.requestMaxRetries}`);
    if (retry.streamMaxRetries !== undefined) fields.push(`stream_max_retries = ${retry.streamMaxRetries}`);
    if (retry.streamIdleTimeoutMs !== undefined)
      fields.push(`stream_idle_timeout_ms = ${retry.streamIdleTimeoutMs}`);
    config.push(["model_provider", tomlString(id)], [`model_providers.${id}`, `{ ${fields.join(", ")} }`]);
  }
  config.push(["shell_environment_policy.exclude", `[${secrets.map(tomlString).join(", ")}]`]);
  if (options.model) config.push(["model", tomlString(options.model)]);
  if (options.reasoningEffort) config.push(["model_reasoning_effort", tomlString(options.reasoningEffort)]);
  for (const [key, value] of Object.entries(options.config ?? {})) config.push([key, value]);
  for (const [key, value] of config) args.push("-c", `${key}=${value}`);
  const env: Record<string, string | undefined> = { ...options.env };
  if (options.codexHome) env.CODEX_HOME = options.codexHome;
  return { command: options.executable ?? "codex", args, cwd: options.cwd ?? process.cwd(), env, inheritEnv };
}
