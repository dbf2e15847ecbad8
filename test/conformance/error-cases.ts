import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { Agent, type AgentInput, native } from "../../src/core/index.js";
import { allowAllGuard } from "../../src/permissions/index.js";
import type { AgentEvent, AgentEventBody, ErrorCode } from "../../src/protocol/index.js";
import { type AgentRuntime, createTurnTools, type TurnRequest } from "../../src/provider/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import { claudeCode } from "../../src/providers/claude-code/index.js";
import { codex } from "../../src/providers/codex/index.js";
import type { ScriptStep } from "../../src/testing/index.js";
import { ToolRegistry } from "../../src/tools/index.js";
import { cliOptions } from "../claude-code/harness.js";
import type { CodexFixture } from "../codex/helpers.js";
import type { Rig } from "./rigs.js";

/** How a situation showed itself on one runtime: the code and what else must match across runtimes. */
export interface ErrorOutcome {
  code: string | undefined;
  retryable: boolean | undefined;
  /** The turn-end's unified stop reason, or "thrown" when the call threw before any event. */
  stop: string;
  /** Codes of the turn's fatal `error` events. */
  fatal: string[];
  /** The error's correction: it names what to set on this runtime, so it is not compared across runtimes. */
  correction?: string;
}

/** What a correction must say (first) and must not say (second) on one runtime. */
export type CorrectionFit = Record<Rig["name"], [RegExp, RegExp?]>;

/** One row of docs/errors.md: a situation, its code, and the runtimes it can happen on. */
export interface ErrorCase {
  name: string;
  code: ErrorCode;
  stop: string;
  on?: ReadonlyArray<Rig["name"]>;
  /** The correction on each runtime names what that runtime offers. */
  correction?: CorrectionFit;
  provoke(rig: Rig): Promise<ErrorOutcome>;
}

const CLIS = ["claude-code", "codex"] as const;
const SLOW: ScriptStep = {
  content: [{ type: "text", text: "slow ".repeat(40), chunks: 40 }],
  chunkDelayMs: 100,
};

/** Runs one turn; `onEvent` may act on the turn (abort it, start another, kill its process). */
async function turn(
  agent: Agent,
  input: AgentInput,
  onEvent?: (event: AgentEvent, abort: () => void) => Promise<void> | void,
): Promise<ErrorOutcome> {
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  let acted = false;
  try {
    for await (const event of agent.stream(input, { signal: controller.signal })) {
      events.push(event);
      if (onEvent && !acted && event.type === "message-delta") {
        acted = true;
        await onEvent(event, () => controller.abort());
      }
    }
  } finally {
    await agent.close();
  }
  return outcomeOf(events);
}

/** A turn straight on a runtime (no Agent): what a second Agent or host on the same session does. */
function runtimeTurn(runtime: AgentRuntime, sessionId: string, signal = new AbortController().signal) {
  const tools = new ToolRegistry([]);
  const request: TurnRequest = {
    sessionId,
    turnId: randomUUID(),
    input: { role: "user", content: [{ type: "text", text: "hello" }] },
    history: [],
    tools,
    ...createTurnTools(tools, allowAllGuard),
    signal,
  };
  return runtime.runTurn(request);
}

async function outcomeOf(
  turn: AsyncIterable<AgentEvent | AgentEventBody> | Iterable<AgentEvent>,
): Promise<ErrorOutcome> {
  const events: Array<AgentEvent | AgentEventBody> = [];
  for await (const event of turn) events.push(event);
  const end = events.at(-1);
  if (end?.type !== "turn-end") throw new Error(`the turn ended with ${end?.type}, not turn-end`);
  const fatal = events.flatMap((e) => (e.type === "error" && e.fatal ? [e.error.code] : []));
  const { code, retryable, correction } = end.error ?? {};
  return { code, retryable, stop: end.stopReason.unified, fatal, ...(correction ? { correction } : {}) };
}

/** The error a call threw (before any event). */
async function thrown(call: () => Promise<unknown> | unknown): Promise<ErrorOutcome> {
  try {
    await call();
  } catch (error) {
    const { code, retryable } = error as { code?: string; retryable?: boolean };
    return { code, retryable, stop: "thrown", fatal: [] };
  }
  throw new Error("the call did not throw");
}

function apiError(status: number): (rig: Rig) => Promise<ErrorOutcome> {
  return (rig) => {
    rig.answer(() => ({ kind: "http-error", status, message: `scripted ${status}` }));
    return turn(rig.agent(), `trigger ${status}`);
  };
}

/** An address where nothing listens: connecting to it is refused. */
async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A runtime of the rig's kind whose model API refuses connections. */
async function unreachableModel(rig: Rig): Promise<AgentRuntime> {
  const url = await refusingUrl();
  if (rig.name === "native")
    return native(anthropic({ model: "claude-test", apiKey: "sk-test", baseURL: url }), {
      retry: { maxAttempts: 1 },
    });
  if (rig.name === "claude-code") return claudeCode(cliOptions(url, { cwd: rig.cwd, maxRetries: 0 }));
  // Codex would wait for the network without end; Arky ends the turn after `requestMaxRetries` waits (0 here).
  const { fixture } = rig as Rig & { fixture: CodexFixture };
  return fixture.runtime({ modelProvider: { baseUrl: `${url}/v1`, envKey: "ARKY_TEST_CODEX_KEY" } });
}

// 401 and 529 corrections name what each runtime offers: its own credentials, and a
// fallback model only where there is such an option (Claude Code's `fallbackModel`).
const CREDENTIALS: CorrectionFit = {
  native: [/ANTHROPIC_API_KEY/],
  "claude-code": [/ANTHROPIC_API_KEY.*claude \/login/],
  codex: [/ARKY_TEST_CODEX_KEY/, /ANTHROPIC/],
};
const FALLBACK: CorrectionFit = {
  native: [/retry later/, /fallback/i],
  "claude-code": [/fallbackModel/],
  codex: [/retry later/, /fallback/i],
};

/** A CLI runtime of the rig's kind that cannot start (its executable does not exist). */
function missingCli(rig: Rig): AgentRuntime {
  const options = { executable: `/nonexistent/${rig.name}`, cwd: rig.cwd };
  return rig.name === "claude-code" ? claudeCode(options) : codex(options);
}

export const ERROR_CASES: ErrorCase[] = [
  { name: "model API rate limit (HTTP 429)", code: "rate-limited", stop: "error", provoke: apiError(429) },
  {
    name: "model API overloaded (HTTP 529)",
    code: "overloaded",
    stop: "error",
    correction: FALLBACK,
    provoke: apiError(529),
  },
  {
    name: "model API credentials refused (HTTP 401)",
    code: "authentication",
    stop: "error",
    correction: CREDENTIALS,
    provoke: apiError(401),
  },
  {
    name: "the model API refuses the connection",
    code: "connection",
    stop: "error",
    async provoke(rig) {
      const runtime = await unreachableModel(rig);
      try {
        return await turn(new Agent({ runtime, cwd: rig.cwd }), "anyone there?");
      } finally {
        await runtime.close?.();
      }
    },
  },
  {
    name: "the model API's stream is malformed",
    code: "malformed-response",
    stop: "error",
    provoke(rig) {
      rig.answer(() => ({ kind: "fault", fault: "malformed-json" }));
      return turn(rig.agent(), "malformed");
    },
  },
  {
    name: "the model API's connection is reset",
    code: "connection",
    stop: "error",
    provoke(rig) {
      rig.answer(() => ({ kind: "fault", fault: "reset" }));
      return turn(rig.agent(), "reset");
    },
  },
  {
    name: "the turn's signal aborts it",
    code: "cancelled",
    stop: "cancelled",
    provoke(rig) {
      rig.answer(() => SLOW);
      return turn(rig.agent(), "talk slowly", (_event, abort) => abort());
    },
  },
  {
    name: "prompt() whose signal aborts the turn",
    code: "cancelled",
    stop: "thrown",
    async provoke(rig) {
      const controller = new AbortController();
      rig.answer(() => {
        setTimeout(() => controller.abort(), 300);
        return SLOW;
      });
      const agent = rig.agent();
      try {
        return await thrown(() => agent.prompt("talk slowly", { signal: controller.signal }));
      } finally {
        await agent.close();
      }
    },
  },
  {
    name: "the turn's signal is aborted before it starts",
    code: "cancelled",
    stop: "cancelled",
    async provoke(rig) {
      const agent = rig.agent();
      try {
        return await outcomeOf(agent.stream("never", { signal: AbortSignal.abort() }));
      } finally {
        await agent.close();
      }
    },
  },
  {
    name: "input with no text or image",
    code: "invalid-request",
    stop: "error",
    provoke: (rig) => turn(rig.agent(), []),
  },
  {
    name: "a second turn while one is running",
    code: "session-conflict",
    stop: "thrown",
    async provoke(rig) {
      rig.answer(() => SLOW);
      const agent = rig.agent();
      let second: Promise<ErrorOutcome> | undefined;
      await turn(agent, "talk slowly", (_event, abort) => {
        second = thrown(() => agent.stream("again"));
        abort();
      });
      return second!;
    },
  },
  {
    name: "a turn on a closed agent",
    code: "configuration",
    stop: "thrown",
    async provoke(rig) {
      const agent = rig.agent();
      await agent.close();
      return thrown(() => agent.stream("hello"));
    },
  },
  {
    name: "resuming a session the store does not have",
    code: "session-not-found",
    stop: "thrown",
    provoke: (rig) => thrown(() => Agent.resume("no-such-session", { runtime: rig.agent().runtime })),
  },
  {
    name: "a second turn on a runtime session while one is running",
    code: "session-conflict",
    stop: "error",
    on: CLIS,
    async provoke(rig) {
      rig.answer(() => SLOW);
      const { runtime } = rig.agent();
      const controller = new AbortController();
      const first = runtimeTurn(runtime, "busy", controller.signal)[Symbol.asyncIterator]();
      await first.next(); // the first turn is running once it produced an event
      const second = await outcomeOf(runtimeTurn(runtime, "busy"));
      controller.abort();
      while (!(await first.next()).done) {}
      return second;
    },
  },
  {
    name: "resuming a runtime session the CLI does not have",
    code: "session-not-found",
    stop: "error",
    on: CLIS,
    async provoke(rig) {
      const { runtime } = rig.agent();
      const state = rig.name === "codex" ? { threadId: randomUUID() } : { claudeSessionId: randomUUID() };
      await runtime.restoreState!("gone", state, { fork: false });
      return outcomeOf(runtimeTurn(runtime, "gone"));
    },
  },
  {
    name: "the runtime's process exits mid-turn",
    code: "process-exited",
    stop: "error",
    on: CLIS,
    provoke(rig) {
      rig.answer(() => SLOW);
      const agent = rig.agent();
      return turn(agent, "talk slowly", async () => {
        process.kill((await rig.pidOf!(agent.sessionId))!, "SIGKILL");
      });
    },
  },
  {
    name: "the CLI executable is not found",
    code: "executable-not-found",
    stop: "error",
    on: CLIS,
    provoke: (rig) => turn(new Agent({ runtime: missingCli(rig), cwd: rig.cwd }), "hello"),
  },
  {
    name: "a turn on a closed runtime",
    code: "configuration",
    stop: "error",
    on: CLIS,
    async provoke(rig) {
      const runtime = missingCli(rig);
      await runtime.close?.();
      return turn(new Agent({ runtime, cwd: rig.cwd }), "hello");
    },
  },
];
