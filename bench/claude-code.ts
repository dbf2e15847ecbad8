// `npx tsx bench/claude-code.ts`: ClaudeCodeRuntime against driving the CLI by hand (raw spawn
// + JSON lines: the floor), alternating, on the same scripted server. Scenarios: `text1` (one
// text turn on a fresh process) and `tools10` (one turn with ten Bash calls), as wall time and
// host CPU ratios to the floor; then warm-pool time to first event against a cold spawn.
// The machine is shared and noisy: one untimed warm-up pair first, then ROUNDS alternating
// pairs; the ratio printed is the median of the per-pair ratios (robust to load drifting
// between pairs), next to the ratio of the medians. The floor runs with a bare environment
// (PATH, a scratch HOME); the CLI's own work depends on it (the Bash tool's shells: SHELL, TERM, LANG…),
// so `raw-env` is the same floor given exactly the environment Arky gives the CLI, and the
// ratio to it is the runtime's own overhead.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Agent } from "../src/core/index.js";
import { buildChildEnv } from "../src/process/index.js";
import { buildClaudeEnv } from "../src/providers/claude-code/claude-code-args.js";
import { claudeCode, DEFAULT_CLAUDE_INHERITED_ENV } from "../src/providers/claude-code/index.js";
import {
  type RecordedRequest,
  type ScriptStep,
  startScriptedModelServer,
  textReply,
} from "../src/testing/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BIN = resolve("node_modules/.bin/claude");
let answer: (request: RecordedRequest) => ScriptStep = () => textReply("hi");
const server = await startScriptedModelServer({ script: (request) => answer(request) });
// A scratch HOME for every CLI, as a server gives it: the Bash tool's shells then read no
// login profile of the host's user (which alone cost seconds per tools10 run), so tools10
// measures the runtime, not the host's shell setup.
const HOME = mkdtempSync(join(tmpdir(), "arky-bench-home-"));
const ENV = {
  HOME,
  ANTHROPIC_BASE_URL: server.baseUrl,
  ANTHROPIC_API_KEY: "sk-bench",
  DISABLE_TELEMETRY: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  CLAUDE_CODE_MAX_RETRIES: "0",
};

function toolResults(request: RecordedRequest): number {
  const messages = (request.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  return messages.filter(
    (m) => Array.isArray(m.content) && m.content.some((b: { type: string }) => b.type === "tool_result"),
  ).length;
}

const SCENARIOS: Record<string, { prompt: string; answer: (r: RecordedRequest) => ScriptStep }> = {
  text1: {
    prompt: "say something",
    answer: () => textReply("A short streamed answer from the scripted model, in a few deltas."),
  },
  tools10: {
    prompt: "run ten commands",
    answer: (r) => {
      const done = toolResults(r);
      return done >= 10
        ? textReply("all ten done")
        : {
            content: [
              { type: "tool-use", name: "Bash", input: { command: `echo step${done}`, description: "step" } },
            ],
          };
    },
  },
};

interface Sample {
  wallMs: number;
  hostCpuMs: number;
  firstEventMs: number;
}

const made: string[] = [HOME];
function dirs() {
  const cwd = mkdtempSync(join(tmpdir(), "arky-bench-cc-"));
  const configDir = mkdtempSync(join(tmpdir(), "arky-bench-ccc-"));
  made.push(cwd, configDir);
  return { cwd, configDir };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function raw(prompt: string, arkyEnv = false): Promise<Sample> {
  const { cwd, configDir } = dirs();
  const bare = { PATH: process.env.PATH, CLAUDE_CONFIG_DIR: configDir, ...ENV };
  if (arkyEnv) mkdirSync(`${configDir}/tmp`);
  const env = arkyEnv
    ? buildChildEnv({ env: buildClaudeEnv({ configDir, env: ENV }), inherit: DEFAULT_CLAUDE_INHERITED_ENV })
    : bare;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const child = spawn(
    BIN,
    [
      "--output-format",
      "stream-json",
      "--verbose",
      "--input-format",
      "stream-json",
      "--include-partial-messages",
    ],
    { cwd, env },
  );
  let firstEventMs = 0;
  child.stdin.write(
    `${JSON.stringify({ type: "user", session_id: "", message: { role: "user", content: [{ type: "text", text: prompt }] }, parent_tool_use_id: null })}\n`,
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { type: string };
    if (!firstEventMs && message.type === "stream_event") firstEventMs = performance.now() - started;
    if (message.type === "result") break;
  }
  const wallMs = performance.now() - started;
  child.stdin.end();
  await new Promise((r) => child.once("exit", r));
  return { wallMs, hostCpuMs: cpuMs(cpu), firstEventMs };
}

async function arky(prompt: string, prewarm = false): Promise<Sample> {
  const runtime = claudeCode({ executable: BIN, ...dirs(), env: ENV });
  if (prewarm) await runtime.prewarm(1);
  // The tools10 scenario measures Bash calls: they run unasked.
  const agent = new Agent({ runtime, permissions: { mode: "bypass" } });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let firstEventMs = 0;
  for await (const event of agent.stream(prompt))
    if (!firstEventMs && event.type === "message-start") firstEventMs = performance.now() - started;
  const sample = { wallMs: performance.now() - started, hostCpuMs: cpuMs(cpu), firstEventMs };
  await agent.close();
  await runtime.close();
  return sample;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number) => n.toFixed(0).padStart(6);

for (const [name, scenario] of Object.entries(SCENARIOS)) {
  answer = scenario.answer;
  const samples: Record<"raw" | "rawEnv" | "arky", Sample[]> = { raw: [], rawEnv: [], arky: [] };
  await raw(scenario.prompt);
  await arky(scenario.prompt);
  for (let round = 0; round < ROUNDS; round++) {
    samples.raw.push(await raw(scenario.prompt));
    samples.rawEnv.push(await raw(scenario.prompt, true));
    samples.arky.push(await arky(scenario.prompt));
  }
  const m = (v: keyof typeof samples, k: keyof Sample) => median(samples[v].map((s) => s[k]));
  const paired = (floor: Sample[]) =>
    median(samples.arky.map((s, i) => s.wallMs / floor[i]!.wallMs)).toFixed(2);
  console.log(
    `${name.padEnd(8)} wall ms raw ${fmt(m("raw", "wallMs"))} raw-env ${fmt(m("rawEnv", "wallMs"))} arky ${fmt(m("arky", "wallMs"))}` +
      ` ratio ${paired(samples.raw)} (of medians ${(m("arky", "wallMs") / m("raw", "wallMs")).toFixed(2)}), to raw-env ${paired(samples.rawEnv)}` +
      ` | host cpu ms raw ${fmt(m("raw", "hostCpuMs"))} arky ${fmt(m("arky", "hostCpuMs"))}`,
  );
}

answer = SCENARIOS.text1!.answer;
const cold: number[] = [];
const warm: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  cold.push((await arky("say something")).firstEventMs);
  warm.push((await arky("say something", true)).firstEventMs);
}
console.log(
  `first event ms cold ${fmt(median(cold))} warm ${fmt(median(warm))} ratio ${median(warm.map((w, i) => w / cold[i]!)).toFixed(2)} (of medians ${(median(warm) / median(cold)).toFixed(2)})`,
);
await server.close();
for (const dir of made) rmSync(dir, { recursive: true, force: true });
