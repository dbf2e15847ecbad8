import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ToolCallGuard } from "../../src/permissions/index.js";
import type { AgentEventBody, AgentEventBodyOf } from "../../src/protocol/index.js";
import { type CodexRuntimeOptions, codex } from "../../src/providers/codex/index.js";
import { type Script, type ScriptedModelServer, startScriptedModelServer } from "../../src/testing/index.js";

/** The real Codex binary from the devDependency. */
export const CODEX_BIN = resolve("node_modules/.bin/codex");
/** A model slug Codex does not know: its MCP tools are then offered directly (no tool_search). */
export const TEST_MODEL = "arky-test-model";

/** A scratch CODEX_HOME and work dir, a scripted Responses server, and a runtime factory. */
export interface CodexFixture {
  server: ScriptedModelServer;
  home: string;
  work: string;
  options(extra?: Partial<CodexRuntimeOptions>): CodexRuntimeOptions;
  runtime(extra?: Partial<CodexRuntimeOptions>): ReturnType<typeof codex>;
  cleanup(): Promise<void>;
}

export async function codexFixture(script: Script = []): Promise<CodexFixture> {
  const server = await startScriptedModelServer({ script });
  // Outside /tmp, Codex would create PATH alias helpers in the home; a scratch dir is enough.
  const root = mkdtempSync(join(tmpdir(), "arky-codex-"));
  const home = join(root, "home");
  const work = join(root, "work");
  mkdirSync(home);
  mkdirSync(work);
  const runtimes: Array<ReturnType<typeof codex>> = [];
  const options = (extra: Partial<CodexRuntimeOptions> = {}): CodexRuntimeOptions => ({
    executable: CODEX_BIN,
    codexHome: home,
    cwd: work,
    model: TEST_MODEL,
    modelProvider: { baseUrl: `${server.url}/v1`, envKey: "ARKY_TEST_CODEX_KEY" },
    retry: { requestMaxRetries: 0, streamMaxRetries: 0 },
    env: { ARKY_TEST_CODEX_KEY: "sk-test-key" },
    ...extra,
  });
  return {
    server,
    home,
    work,
    options,
    runtime(extra) {
      const runtime = codex(options(extra));
      runtimes.push(runtime);
      return runtime;
    },
    async cleanup() {
      for (const runtime of runtimes) await runtime.close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Collects a runTurn stream. */
export async function collect(stream: AsyncIterable<AgentEventBody>): Promise<AgentEventBody[]> {
  const out: AgentEventBody[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

export function ofType<T extends AgentEventBody["type"]>(events: readonly { type: string }[], type: T) {
  return events.filter((e) => e.type === type) as unknown as AgentEventBodyOf<T>[];
}

/** The text of a request's last user message or the output of its last tool result. */
export function lastInput(body: unknown): unknown {
  const input = (body as { input?: unknown[] } | null)?.input ?? [];
  return input.at(-1);
}

/** A guard that allows or denies by tool name and records what it was asked. */
export function recordingGuard(deny: readonly string[] = []): ToolCallGuard & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async beforeToolCall(call) {
      asked.push(call.toolName);
      const allowed = !deny.includes(call.toolName);
      const events: AgentEventBody[] = [
        {
          type: "permission-decision",
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          decision: allowed ? "allow" : "deny",
          source: "rule",
        },
      ];
      return allowed
        ? { decision: "allow", input: call.input, events }
        : { decision: "deny", reason: `${call.toolName} is not allowed here.`, events };
    },
    async afterToolCall(_call, result) {
      return { result, events: [] };
    },
  };
}

/**
 * Live processes (read from /proc): with `codexHome`, every process whose environment
 * has that `CODEX_HOME` (the app server and whatever it started, in any process group);
 * without it, every `codex app-server`.
 */
export function codexProcesses(codexHome?: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (stat.split(") ")[1]?.startsWith("Z")) continue;
      if (codexHome) {
        const environ = readFileSync(`/proc/${name}/environ`, "utf8").split("\0");
        if (environ.includes(`CODEX_HOME=${codexHome}`)) pids.push(Number(name));
        continue;
      }
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      const isCodex = cmdline.some((part) => part.endsWith("codex") || part.endsWith("codex.js"));
      if (isCodex && cmdline.includes("app-server")) pids.push(Number(name));
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return pids;
}

/** The text of the last user message of a Responses request body. */
export function lastUserText(body: unknown): string {
  const input =
    (body as { input?: Array<{ role?: string; content?: Array<{ text?: string }> }> } | null)?.input ?? [];
  const user = [...input].reverse().find((item) => item.role === "user");
  return (user?.content ?? []).map((c) => c.text ?? "").join("");
}

/** Everything a Responses request sent as input, as one string (for history assertions). */
export function inputText(body: unknown): string {
  return JSON.stringify((body as { input?: unknown } | null)?.input ?? []);
}
