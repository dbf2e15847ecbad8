import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, type AgentOptions, type NativeRuntimeOptions, native } from "../../src/core/index.js";
import { toMcpToolName } from "../../src/mcp/tool-names.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import {
  type ClaudeCodeOptions,
  type ClaudeCodeRuntime,
  claudeCode,
} from "../../src/providers/claude-code/index.js";
import type { CodexRuntime } from "../../src/providers/codex/index.js";
import {
  type RecordedRequest,
  type ScriptedBlock,
  type ScriptedModelServer,
  type ScriptStep,
  startScriptedModelServer,
} from "../../src/testing/index.js";
import { codingTools } from "../../src/tools/builtin/index.js";
import type { Tool } from "../../src/tools/index.js";
import { cliOptions, lastToolResults, resultText } from "../claude-code/harness.js";
import { type CodexFixture, codexFixture } from "../codex/helpers.js";

/**
 * The permission and hook options a case gives the Agent (the same on every runtime); `cwd`
 * replaces the rig's folder (`cwd: undefined`: the Agent names none).
 */
export type GuardConfig = Pick<AgentOptions, "permissions" | "hooks" | "cwd">;

/** A turn whose model calls one of Arky's tools (the same `tool()` on every runtime). */
export interface ToolTurn {
  config: GuardConfig;
  /** The tools the Agent offers. */
  tools: Tool[];
  /** Arky's name of the tool the model calls, and the input it writes. */
  name: string;
  input: unknown;
  /** Cancel the turn as soon as the call's `tool-execution-start` arrives. */
  abortOnStart?: boolean;
}

/** What one turn of a case produced on one runtime. */
export interface TurnOutcome {
  events: AgentEvent[];
  /** The tool result the model received in the request after the tool call. */
  modelSaw: string | undefined;
}

/**
 * One runtime under test: a scripted model that asks for one shell command and then
 * answers with text, a working directory, and a fresh Agent per case.
 */
export interface Rig {
  readonly name: "native" | "claude-code" | "codex";
  /** Where the command runs. */
  readonly cwd: string;
  /** Runs one turn whose model asks to run `command` with the runtime's shell tool. */
  run(config: GuardConfig, command: string): Promise<TurnOutcome>;
  /** Runs one turn whose model calls one of Arky's tools. */
  call(turn: ToolTurn): Promise<TurnOutcome>;
  exists(file: string): boolean;
  /** A new Agent on the rig's runtime (for cases that drive turns themselves). */
  agent(options?: Partial<AgentOptions>): Agent;
  /** Sets how the scripted model answers from now on. */
  answer(handler: Handler): void;
  /** The pid of the runtime's process serving a session, for a CLI runtime. */
  pidOf?(sessionId: string): Promise<number | undefined>;
  close(): Promise<void>;
}

const REPLY_DONE: ScriptStep = { content: [{ type: "text", text: "done" }] };

type Handler = (request: RecordedRequest) => ScriptStep;

/** A function script whose answers come from a handler each case replaces. */
function switchable(): { script: (request: RecordedRequest) => ScriptStep; set(handler: Handler): void } {
  let handler: Handler = () => REPLY_DONE;
  return {
    script: (request) => handler(request),
    set(next) {
      handler = next;
    },
  };
}

/** Tool result text of the last message of an Anthropic Messages request, if it holds one. */
function anthropicToolResult(request: RecordedRequest): string | undefined {
  const result = lastToolResults(request)[0];
  return result ? resultText(result.content) : undefined;
}

/** Tool output of the last input item of a Responses request, if it is one. */
function responsesToolOutput(request: RecordedRequest): string | undefined {
  const last = ((request.body as { input?: unknown[] } | null)?.input ?? []).at(-1) as
    | { type?: string; output?: unknown }
    | undefined;
  if (last?.type !== "function_call_output") return undefined;
  return typeof last.output === "string" ? last.output : JSON.stringify(last.output);
}

async function streamTurn(agent: Agent, prompt: string, abortOnStart = false): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  try {
    for await (const event of agent.stream(prompt, { signal: controller.signal })) {
      events.push(event);
      if (abortOnStart && event.type === "tool-execution-start") controller.abort();
    }
  } finally {
    await agent.close();
  }
  return events;
}

/**
 * One turn whose model makes one tool call, then answers with text once it sees the result.
 * `toolResultOf` reads the result the model got from a request (null: not a request of the turn).
 */
function scriptedTurn(
  answers: ReturnType<typeof switchable>,
  toolResultOf: (request: RecordedRequest) => string | undefined | null,
) {
  return async (agent: Agent, prompt: string, call: ScriptedBlock, abortOnStart: boolean) => {
    let modelSaw: string | undefined;
    let turnRequests = 0;
    answers.set((request) => {
      const seen = toolResultOf(request);
      if (seen === null) return REPLY_DONE;
      if (seen !== undefined) {
        modelSaw = seen;
        return REPLY_DONE;
      }
      turnRequests++;
      // One tool call per turn: a later request without a tool result gets text.
      return turnRequests > 1 ? REPLY_DONE : { content: [call] };
    });
    const events = await streamTurn(agent, prompt, abortOnStart);
    return { events, modelSaw };
  };
}

/** What a rig over an Anthropic Messages scripted server needs. */
interface MessagesRigOptions {
  name: "native" | "claude-code";
  cwd: string;
  server: ScriptedModelServer;
  answers: ReturnType<typeof switchable>;
  /** The shell tool's name and input as the model writes them on this runtime. */
  toolName: string;
  toolInput: (command: string) => unknown;
  makeAgent: (config: GuardConfig, tools?: Tool[]) => Agent;
  agent: (options?: Partial<AgentOptions>) => Agent;
  pidOf?: (sessionId: string) => Promise<number | undefined>;
  closeRuntime: () => Promise<void>;
}

/** A rig over an Anthropic Messages scripted server (native loop and Claude Code). */
function messagesRig(options: MessagesRigOptions): Rig {
  const { name, cwd, server, answers, toolName, toolInput, makeAgent, agent, pidOf, closeRuntime } = options;
  const bridgedName = (tool: string) => (name === "native" ? tool : `mcp__arky__${toMcpToolName(tool)}`);
  const turn = (agent: Agent, prompt: string, callName: string, input: unknown, abortOnStart = false) =>
    scriptedTurn(answers, (request) => {
      if (request.api !== "anthropic-messages" || !request.stream) return null;
      return anthropicToolResult(request);
    })(agent, prompt, { type: "tool-use", name: callName, input }, abortOnStart);
  return {
    name,
    cwd,
    run: (config, command) => turn(makeAgent(config), `Run \`${command}\`.`, toolName, toolInput(command)),
    call: ({ config, tools, name, input, abortOnStart }) =>
      turn(makeAgent(config, tools), `Use ${name}.`, bridgedName(name), input, abortOnStart),
    exists: (file) => existsSync(join(cwd, file)),
    agent,
    answer: answers.set,
    ...(pidOf ? { pidOf } : {}),
    async close() {
      await closeRuntime();
      await server.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

const scratch = (prefix: string) => mkdtempSync(join(tmpdir(), `arky-conf-${prefix}-`));

/** Arky's own loop over the Anthropic provider, with the built-in `bash` tool. */
export async function nativeRig(options: NativeRuntimeOptions = {}): Promise<Rig> {
  const answers = switchable();
  const server = await startScriptedModelServer({ script: answers.script });
  const cwd = scratch("native");
  const provider = anthropic({ model: "claude-test", apiKey: "sk-test", baseURL: server.baseUrl });
  const tools = await codingTools({ cwd });
  const runtime = native(provider, options);
  return messagesRig({
    name: "native",
    cwd,
    server,
    answers,
    toolName: "bash",
    toolInput: (command) => ({ command }),
    makeAgent: (config, offered = tools) => new Agent({ runtime, tools: offered, cwd, ...config }),
    agent: (extra) => new Agent({ runtime, cwd, ...extra }),
    closeRuntime: async () => {},
  });
}

/** The real Claude Code CLI with its own `Bash` tool; one runtime, a new session per case. */
export async function claudeCodeRig(
  extra: ClaudeCodeOptions = {},
): Promise<Rig & { runtime: ClaudeCodeRuntime; configDir: string }> {
  const answers = switchable();
  const server = await startScriptedModelServer({ script: answers.script });
  const cwd = scratch("cc");
  const options = cliOptions(server.baseUrl, { cwd, ...extra });
  const runtime = claudeCode(options);
  const rig = messagesRig({
    name: "claude-code",
    cwd,
    server,
    answers,
    toolName: "Bash",
    toolInput: (command) => ({ command, description: "run the command" }),
    makeAgent: (config, tools) => new Agent({ runtime, cwd, ...(tools ? { tools } : {}), ...config }),
    agent: (options) => new Agent({ runtime, cwd, ...options }),
    pidOf: async (sessionId) => runtime.pidOf(sessionId),
    closeRuntime: () => runtime.close(),
  });
  return Object.assign(rig, { runtime, configDir: options.configDir ?? "" });
}

/** The real Codex app server running its own `exec_command`; one runtime for the whole file. */
export async function codexRig(): Promise<Rig & { fixture: CodexFixture }> {
  const answers = switchable();
  const fixture = await codexFixture(answers.script);
  const runtime: CodexRuntime = fixture.runtime();
  const { work } = fixture;
  const turn = (agent: Agent, prompt: string, callName: string, input: unknown, abortOnStart = false) =>
    scriptedTurn(answers, responsesToolOutput)(
      agent,
      prompt,
      { type: "tool-use", name: callName, input },
      abortOnStart,
    );
  return {
    name: "codex",
    cwd: work,
    fixture,
    run: (config, command) =>
      turn(new Agent({ runtime, cwd: work, ...config }), `Run \`${command}\`.`, "exec_command", {
        cmd: command,
      }),
    call: ({ config, tools, name, input, abortOnStart }) =>
      turn(
        new Agent({ runtime, cwd: work, tools, ...config }),
        `Use ${name}.`,
        `mcp__arky__${toMcpToolName(name)}`,
        input,
        abortOnStart,
      ),
    exists: (file) => existsSync(join(work, file)),
    agent: (options) => new Agent({ runtime, cwd: work, ...options }),
    answer: answers.set,
    pidOf: () => runtime.pid(),
    close: () => fixture.cleanup(),
  };
}
