import type { PermissionOptions } from "../permissions/index.js";
import { ArkyError, type PromptInput } from "../protocol/index.js";
import { ToolRegistry } from "../tools/index.js";
import type { AgentOptions } from "./agent-types.js";

// Checks of what a user hands the Agent, so that a mistake gets an error naming the fix
// rather than a TypeError deep in a turn, or an option silently ignored.

const AGENT_OPTIONS = [
  "runtime",
  "tools",
  "store",
  "sessionId",
  "permissions",
  "hooks",
  "guard",
  "title",
  "tags",
  "cwd",
  "now",
] as const;
const PERMISSION_OPTIONS = ["mode", "canUseTool", "cwd", "allow", "deny", "ask"] as const;
// A new option of AgentOptions or PermissionOptions fails to compile until it is listed above.
const listed: [
  Exclude<keyof AgentOptions, (typeof AGENT_OPTIONS)[number]>,
  Exclude<keyof PermissionOptions, (typeof PERMISSION_OPTIONS)[number]>,
] extends [never, never]
  ? true
  : never = true;
void listed;

const ON_RUNTIME = "set it on the runtime";
const SYSTEM = `${ON_RUNTIME}: native(provider, { system }) or claudeCode({ systemPrompt })`;
const MAX_TURNS = `${ON_RUNTIME}: native(provider, { maxTurns }) or claudeCode({ maxTurns })`;
const SIGNAL =
  "cancel a turn with its signal: agent.prompt(input, { signal }) or agent.stream(input, { signal })";

/** Options of other agent SDKs (the Claude Agent SDK, the AI SDK, …) and what Arky calls them. */
const FOREIGN_AGENT_OPTIONS: Record<string, string> = {
  maxTurns: MAX_TURNS,
  maxSteps: MAX_TURNS,
  stopWhen: MAX_TURNS,
  allowedTools: "use permissions: { allow: [...] } (rules like 'Bash(npm test)')",
  disallowedTools: "use permissions: { deny: [...] }",
  permissionMode: "use permissions: { mode } (default, acceptEdits, plan or bypass)",
  canUseTool: "use permissions: { canUseTool }",
  systemPrompt: SYSTEM,
  system: SYSTEM,
  instructions: SYSTEM,
  model: `${ON_RUNTIME}: native(anthropic({ model })), claudeCode({ model }) or codex({ model })`,
  fallbackModel: `${ON_RUNTIME}: claudeCode({ fallbackModel })`,
  maxThinkingTokens: `${ON_RUNTIME}: native(provider, { thinking }) or claudeCode({ maxThinkingTokens })`,
  maxBudgetUsd: `${ON_RUNTIME}: claudeCode({ maxBudgetUsd })`,
  env: `${ON_RUNTIME}: claudeCode({ env }) or codex({ env })`,
  additionalDirectories: `${ON_RUNTIME}: claudeCode({ additionalDirectories })`,
  agents: `${ON_RUNTIME}: claudeCode({ agents })`,
  executable: `${ON_RUNTIME}: claudeCode({ executable }) or codex({ executable })`,
  pathToClaudeCodeExecutable: `${ON_RUNTIME}: claudeCode({ executable })`,
  mcpServers: "pass their tools: tools: (await connectMcpServers(config)).tools, from arky/mcp",
  settingSources: "load them with loadSettings() from arky/settings and pass permissions and hooks from it",
  resume: "continue a stored session with Agent.resume(sessionId, options)",
  forkSession: "fork a stored session with Agent.fork(sessionId, options)",
  abortController: SIGNAL,
  signal: SIGNAL,
  prompt: "pass the prompt to agent.prompt(text) or agent.stream(text)",
  messages: "the Agent keeps the conversation: pass each new prompt to agent.prompt(text)",
};

/** Permission options of other SDKs and Claude Code settings, and Arky's name for them. */
const FOREIGN_PERMISSION_OPTIONS: Record<string, string> = {
  allowedTools: "allow",
  disallowedTools: "deny",
  permissionMode: "mode",
  defaultMode: "mode",
};

/**
 * Throws a `configuration` ArkyError for options an Agent cannot run with: no runtime, an
 * unknown option (naming Arky's option when it is another SDK's name), tools that are not a list.
 * `fork` also accepts the options `Agent.fork` takes.
 */
export function assertAgentOptions(options: AgentOptions, fork = false): void {
  if (typeof options?.runtime?.runTurn !== "function") {
    throw new ArkyError({
      code: "configuration",
      message: "An Agent needs a runtime.",
      correction:
        "Pass `runtime`, e.g. new Agent({ runtime: native(anthropic({ model: 'claude-sonnet-5-5' })) }).",
    });
  }
  const known: readonly string[] = fork ? [...AGENT_OPTIONS, "atSeq", "newSessionId"] : AGENT_OPTIONS;
  for (const [key, value] of Object.entries(options)) {
    if (known.includes(key) || value === undefined) continue;
    const hint = FOREIGN_AGENT_OPTIONS[key];
    throw configuration(
      `Agent has no option "${key}".`,
      hint ? `${capital(hint)}.` : `Agent options are ${AGENT_OPTIONS.join(", ")}.`,
    );
  }
  const { tools, permissions } = options;
  if (tools !== undefined && !Array.isArray(tools) && !(tools instanceof ToolRegistry)) {
    throw configuration(
      "The Agent's `tools` must be an array of tools (or a ToolRegistry).",
      "Arky tools carry their own names: tools: [weather, add], not { weather, add }.",
    );
  }
  if (permissions === undefined) return;
  if (typeof permissions !== "object" || permissions === null) {
    throw configuration(
      "The Agent's `permissions` must be an object.",
      "E.g. permissions: { mode: 'default' }.",
    );
  }
  for (const [key, value] of Object.entries(permissions)) {
    if ((PERMISSION_OPTIONS as readonly string[]).includes(key) || value === undefined) continue;
    const arky = FOREIGN_PERMISSION_OPTIONS[key];
    throw configuration(
      `permissions has no option "${key}"${arky ? `: Arky calls it permissions.${arky}.` : "."}`,
      `Permission options are ${PERMISSION_OPTIONS.join(", ")}.`,
    );
  }
}

const ACCEPTED =
  "a prompt is a string, an array of content blocks ({ type: 'text', text }, { type: 'image', source }), or a user message ({ role: 'user', content: [...] })";

/** Throws an `invalid-request` ArkyError, saying what a prompt may be, unless `input` is a {@link PromptInput}. */
export function assertPromptInput(input: unknown): asserts input is PromptInput {
  if (typeof input === "string") return;
  if (Array.isArray(input)) return assertBlocks(input, "the prompt");
  if (typeof input === "object" && input !== null) {
    const { role, content } = input as { role?: unknown; content?: unknown };
    if (role === "user" && Array.isArray(content)) return assertBlocks(content, "the prompt's content");
    const keys = Object.keys(input);
    const hint =
      role !== undefined && role !== "user"
        ? ` A prompt is a user message; the Agent keeps the conversation, so pass only the new prompt.`
        : keys.includes("prompt")
          ? " Pass the text itself: agent.prompt('hi'), not agent.prompt({ prompt: 'hi' })."
          : keys.includes("messages")
            ? " The Agent keeps the conversation: pass only the new prompt (Agent.resume continues a stored one)."
            : "";
    throw invalidPrompt(`The prompt is an object with ${describeKeys(keys)}, not a prompt.${hint}`);
  }
  throw invalidPrompt(`The prompt is ${input === null ? "null" : typeof input}.`);
}

const BLOCK_TYPES = ["text", "image", "tool-result"];

function assertBlocks(blocks: unknown[], where: string): void {
  blocks.forEach((block, index) => {
    const type = (block as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || !BLOCK_TYPES.includes(type)) {
      const what = typeof block === "string" ? "a string" : `of type ${JSON.stringify(type ?? null)}`;
      throw invalidPrompt(`Block ${index} of ${where} is ${what}, not a text, image or tool-result block.`);
    }
    if (type === "text" && typeof (block as { text?: unknown }).text !== "string") {
      throw invalidPrompt(`Block ${index} of ${where} is a text block without a string \`text\`.`);
    }
  });
}

function describeKeys(keys: string[]): string {
  if (keys.length === 0) return "no keys";
  return `the key${keys.length > 1 ? "s" : ""} ${keys.map((k) => JSON.stringify(k)).join(", ")}`;
}

function invalidPrompt(problem: string): ArkyError {
  return new ArkyError({
    code: "invalid-request",
    message: `${problem} ${capital(ACCEPTED)}.`,
    correction: capital(ACCEPTED),
  });
}

function configuration(message: string, correction: string): ArkyError {
  return new ArkyError({ code: "configuration", message, correction });
}

function capital(text: string): string {
  return `${text[0]!.toUpperCase()}${text.slice(1)}`;
}
