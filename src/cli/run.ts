import { Agent, native } from "../core/index.js";
import { type AgentEvent, ArkyError, textOf } from "../protocol/index.js";
import { anthropic } from "../providers/anthropic/index.js";
import type { SessionMetadata, SessionStore } from "../session/index.js";
import { codingTools } from "../tools/builtin/index.js";
import type { Tool } from "../tools/index.js";
import type { RunArgs } from "./args.js";
import { abortOnInterrupt, type CliIo } from "./io.js";
import { stdoutRenderer } from "./render.js";
import { openCliStore, resolveSessionId } from "./sessions.js";

const READ_ONLY = new Set(["read", "glob", "grep", "todo_read", "todo_write"]);

/** The message shown when no model provider is configured. */
export function noProviderMessage(): string {
  return [
    "arky: no model provider is configured.",
    "",
    "Configure one of:",
    "  • the Anthropic API:           export ANTHROPIC_API_KEY=sk-ant-…",
    "  • an Anthropic-compatible API: export ANTHROPIC_BASE_URL=https://… ANTHROPIC_API_KEY=…",
    "                                 (or pass --base-url)",
    "",
    "Keys are read from the environment only, never from arguments.",
    "To see Arky work offline first, with a scripted model: npx arky demo",
    "",
  ].join("\n");
}

/** Runs `arky run`: one headless turn. Returns the process exit code. */
export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  if (!args.prompt.trim()) {
    io.stderr.write('arky run: give a prompt, e.g. arky run "Summarise README.md"\n');
    return 2;
  }
  const apiKey = io.env.ANTHROPIC_API_KEY;
  if (!apiKey) {
    io.stderr.write(noProviderMessage());
    return 2;
  }
  const store = args.store ? openCliStore(io) : undefined;
  try {
    return await runWithStore(args, io, apiKey, store);
  } finally {
    await store?.close();
  }
}

async function runWithStore(
  args: RunArgs,
  io: CliIo,
  apiKey: string,
  store: SessionStore | undefined,
): Promise<number> {
  const continued = store ? await sessionToContinue(args, store) : undefined;
  const cwd = args.cwd ?? continued?.cwd ?? io.cwd;
  const model = args.model ?? continued?.model ?? io.env.ARKY_MODEL ?? "claude-sonnet-5-5";
  const provider = anthropic({ model, apiKey, baseURL: args.baseUrl ?? io.env.ANTHROPIC_BASE_URL });
  let tools: Tool[] = [];
  if (args.tools !== "none") {
    const all = await codingTools({ cwd });
    tools = args.tools === "all" ? all : all.filter((t) => READ_ONLY.has(t.name));
  }
  const options = {
    runtime: native(provider, { system: args.system, maxTurns: args.maxTurns }),
    tools,
    cwd,
    store,
    // Kept as before the safe default until `arky run` takes --permission-mode and settings.
    permissions: { mode: "bypass" as const },
  };
  const agent = continued ? await Agent.resume(continued.sessionId, options) : new Agent(options);
  const controller = new AbortController();
  const stopListening = abortOnInterrupt(controller);
  const render = args.output === "text" ? stdoutRenderer(io) : undefined;
  let end: Extract<AgentEvent, { type: "turn-end" }> | undefined;
  let text = "";
  try {
    for await (const event of agent.stream(args.prompt, { signal: controller.signal })) {
      if (args.output === "stream-json") io.stdout.write(`${JSON.stringify(event)}\n`);
      render?.(event);
      if (event.type === "message-end") text = textOf(event.message);
      if (event.type === "turn-end") end = event;
    }
  } finally {
    stopListening();
    await agent.close();
  }
  if (args.output === "json" && end) {
    const { stopReason, usage, costUsd, durationMs, error } = end;
    io.stdout.write(
      `${JSON.stringify({ sessionId: agent.sessionId, text, stopReason, usage, costUsd, durationMs, error })}\n`,
    );
  }
  if (store && args.output === "text") io.stderr.write(`session ${agent.sessionId}\n`);
  if (!end) throw new ArkyError({ code: "cancelled", message: "The turn ended without a result." });
  if (end.stopReason.unified === "cancelled") return 130;
  return end.error ? 1 : 0;
}

/** The stored session `--resume <id>` or `--continue` names, if either was given. */
async function sessionToContinue(args: RunArgs, store: SessionStore): Promise<SessionMetadata | undefined> {
  if (args.resume !== undefined) return resolveSessionId(store, args.resume);
  if (!args.continueLast) return undefined;
  const [last] = await store.list({ limit: 1 });
  if (!last) {
    throw new ArkyError({
      code: "session-not-found",
      message: "There is no stored session to continue.",
      correction: 'Start one with: arky run "<prompt>"',
    });
  }
  return last;
}
