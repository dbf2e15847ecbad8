import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";
import {
  type ClaudeCodeOptions,
  type ClaudeCodeRuntime,
  claudeCode,
} from "../../src/providers/claude-code/index.js";
import type { RecordedRequest, ScriptStep } from "../../src/testing/index.js";
import { startScriptedModelServer } from "../../src/testing/index.js";

export const CLAUDE = resolve("node_modules/.bin/claude");

/** A scripted server whose answers come from a replaceable handler. */
export async function startServer() {
  let handler: (request: RecordedRequest, index: number) => ScriptStep = () => ({
    content: [{ type: "text", text: "default answer" }],
  });
  const server = await startScriptedModelServer({ script: (request, index) => handler(request, index) });
  return {
    server,
    /** Sets how the next requests are answered. */
    answer(next: (request: RecordedRequest, index: number) => ScriptStep) {
      handler = next;
    },
    /** Streaming model calls (leaves out `set_model` probes and other non-streaming calls). */
    modelCalls(): RecordedRequest[] {
      return server.requests.filter((r) => r.api === "anthropic-messages" && r.stream);
    },
  };
}

const created: string[] = [];

/** A fresh directory, removed after the test file (each test file imports this module once). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `arky-cc-${prefix}-`));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runtime options pointing the real CLI at the scripted server, isolated and with few retries. */
export function cliOptions(baseUrl: string, extra: ClaudeCodeOptions = {}): ClaudeCodeOptions {
  return {
    executable: CLAUDE,
    cwd: tempDir("cwd"),
    configDir: tempDir("config"),
    maxRetries: 1,
    graceMs: 1000,
    ...extra,
    env: {
      // A private HOME: the CLI's shells start as login shells, and the host's profile
      // (pyenv, nvm…) must neither slow them down nor be touched by tests that kill them.
      HOME: tempDir("home"),
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: "sk-ant-test-key",
      DISABLE_TELEMETRY: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      IS_SANDBOX: "1",
      ...extra.env,
    },
  };
}

export function runtimeFor(baseUrl: string, extra: ClaudeCodeOptions = {}): ClaudeCodeRuntime {
  return claudeCode(cliOptions(baseUrl, extra));
}

/** The text of the last user message of a recorded request (all its text blocks). */
export function lastUserText(request: RecordedRequest): string {
  const messages = (request.body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    return (m.content as Array<{ type: string; text?: string }>)
      .filter((b) => b.type === "text")
      .map((b) => b.text)
      .join("\n");
  }
  return "";
}

/** The tool results of the last user message of a request. */
export function lastToolResults(
  request: RecordedRequest,
): Array<{ tool_use_id: string; content: unknown; is_error?: boolean }> {
  const messages = (request.body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? [];
  const last = messages.at(-1);
  if (!last || typeof last.content === "string") return [];
  return (last.content as Array<{ type: string }>).filter((b) => b.type === "tool_result") as never;
}

export function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  return (content as Array<{ text?: string }>).map((c) => c.text ?? "").join("");
}

/** Live `claude` processes on this machine (only those using `configDir`, when given), read from /proc. */
export function claudePids(configDir?: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "Z") continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!cmdline.includes("stream-json") || !cmdline.includes("--permission-prompt-tool")) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8");
      if (configDir && !environ.includes(`CLAUDE_CONFIG_DIR=${configDir}\0`)) continue;
      out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}
