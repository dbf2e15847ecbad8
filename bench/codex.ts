// `npx tsx bench/codex.ts`: a five-turn conversation through CodexRuntime (one app server,
// one thread) against the same five turns the way `@openai/codex-sdk` runs them (a fresh
// `codex exec --json` per turn, `resume <thread>` after the first), alternating, on the same
// scripted Responses server. Prints wall-time ratio and time to first text.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Agent } from "../src/core/index.js";
import { codex } from "../src/providers/codex/index.js";
import { startScriptedModelServer, textReply } from "../src/testing/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TURNS = 5;
const BIN = resolve("node_modules/.bin/codex");
const MODEL = "arky-bench-model";
const server = await startScriptedModelServer({
  script: () => textReply("A short streamed answer from the scripted model, in a few deltas."),
});
const baseUrl = `${server.url}/v1`;

interface Sample {
  wallMs: number;
  firstTextMs: number;
}

function scratch(): { root: string; home: string; work: string } {
  const root = mkdtempSync(join(tmpdir(), "arky-bench-codex-"));
  const home = join(root, "home");
  const work = join(root, "work");
  mkdirSync(home);
  mkdirSync(work);
  return { root, home, work };
}

async function viaRuntime(): Promise<Sample> {
  const dir = scratch();
  const started = performance.now();
  let firstText = 0;
  const runtime = codex({
    executable: BIN,
    codexHome: dir.home,
    cwd: dir.work,
    model: MODEL,
    modelProvider: { baseUrl, envKey: "BENCH_KEY" },
    env: { BENCH_KEY: "sk-bench" },
  });
  const agent = new Agent({ runtime });
  for (let turn = 0; turn < TURNS; turn++) {
    for await (const event of agent.stream(`turn ${turn}`))
      if (event.type === "message-delta" && firstText === 0) firstText = performance.now() - started;
  }
  const wallMs = performance.now() - started;
  await agent.close();
  await runtime.close();
  rmSync(dir.root, { recursive: true, force: true });
  return { wallMs, firstTextMs: firstText };
}

function execTurn(
  dir: { home: string; work: string },
  prompt: string,
  threadId?: string,
  onText?: () => void,
) {
  const provider = `model_providers.bench={ name = "bench", base_url = "${baseUrl}", wire_api = "responses", env_key = "BENCH_KEY" }`;
  const args = ["exec", "--json", "--skip-git-repo-check", "-C", dir.work, "-s", "workspace-write"];
  args.push("-c", 'model_provider="bench"', "-c", `model="${MODEL}"`, "-c", provider);
  if (threadId) args.push("resume", threadId);
  args.push(prompt);
  const child = spawn(BIN, args, {
    stdio: ["ignore", "pipe", "ignore"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CODEX_HOME: dir.home, BENCH_KEY: "sk-bench" },
  });
  let thread = threadId;
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    const event = JSON.parse(line) as { type: string; thread_id?: string; item?: { type: string } };
    if (event.type === "thread.started") thread = event.thread_id;
    if (event.type === "item.completed" && event.item?.type === "agent_message") onText?.();
  });
  return new Promise<string | undefined>((done) => child.once("close", () => done(thread)));
}

async function viaExec(): Promise<Sample> {
  const dir = scratch();
  const started = performance.now();
  let firstText = 0;
  let thread: string | undefined;
  for (let turn = 0; turn < TURNS; turn++)
    thread = await execTurn(dir, `turn ${turn}`, thread, () => {
      if (firstText === 0) firstText = performance.now() - started;
    });
  const wallMs = performance.now() - started;
  rmSync(dir.root, { recursive: true, force: true });
  return { wallMs, firstTextMs: firstText };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const runtimeSamples: Sample[] = [];
const execSamples: Sample[] = [];
for (let round = 0; round < ROUNDS; round++) {
  runtimeSamples.push(await viaRuntime());
  execSamples.push(await viaExec());
}
await server.close();

const result = {
  turns: TURNS,
  rounds: ROUNDS,
  runtime: {
    wallMs: median(runtimeSamples.map((s) => s.wallMs)),
    firstTextMs: median(runtimeSamples.map((s) => s.firstTextMs)),
  },
  execPerTurn: {
    wallMs: median(execSamples.map((s) => s.wallMs)),
    firstTextMs: median(execSamples.map((s) => s.firstTextMs)),
  },
};
const ratio = result.runtime.wallMs / result.execPerTurn.wallMs;
console.log(`five turns, median of ${ROUNDS} alternating rounds`);
console.log(
  `CodexRuntime (app server):   ${result.runtime.wallMs.toFixed(0)} ms, first text ${result.runtime.firstTextMs.toFixed(0)} ms`,
);
console.log(
  `codex exec --json per turn:  ${result.execPerTurn.wallMs.toFixed(0)} ms, first text ${result.execPerTurn.firstTextMs.toFixed(0)} ms`,
);
console.log(`wall-time ratio: ${ratio.toFixed(2)}x (target <= 0.6x)`);
mkdirSync(resolve("bench/results"), { recursive: true });
writeFileSync(resolve("bench/results/codex.json"), `${JSON.stringify({ ...result, ratio }, null, 2)}\n`);
