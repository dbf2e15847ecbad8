// One benchmark child: runs one variant of one scenario against the parent's scripted
// server and prints its measurements as JSON. Mode "warm" (default) warms up, then times
// `iterations` runs; mode "cold" times the process's first run only, after its imports
// (the imports are timed apart, as importMs), as a short-lived CLI or serverless process sees it.
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { rawTurn } from "./raw-client.mjs";
import { SCENARIOS } from "./scenarios.mjs";

const [variant, scenario, baseUrl, mode = "warm"] = process.argv.slice(2);
const cold = mode === "cold";
const iterations = cold ? 1 : SCENARIOS[scenario].iterations;
// Warm-up lets the JIT settle for both variants alike, so the figures are steady-state ones.
const warmup = cold ? 0 : Math.max(3, Math.round(SCENARIOS[scenario].iterations / 2));
let commits = 0;

const add = ({ a, b }) => a + b;

async function makeRunner() {
  if (variant === "raw") {
    const tools = [
      {
        name: "add",
        description: "Add two numbers",
        schema: {
          type: "object",
          properties: { a: { type: "number" }, b: { type: "number" } },
          required: ["a", "b"],
        },
        run: add,
      },
    ];
    return async () => (await rawTurn(baseUrl, "go", tools)).deltas;
  }
  const { Agent, native, tool } = await import("arky");
  const { anthropic } = await import("arky/anthropic");
  const addTool = tool({
    name: "add",
    description: "Add two numbers",
    input: z.object({ a: z.number(), b: z.number() }),
    execute: (input) => String(add(input)),
  });
  const store = variant.startsWith("arky-sqlite") ? await sqliteStore() : undefined;
  return async () => {
    const agent = new Agent({
      runtime: native(anthropic({ model: "claude-sonnet-5-5", apiKey: "bench", baseURL: baseUrl })),
      tools: [addTool],
      store,
      // The bench measures tool calls: they run unasked, as with the raw client.
      permissions: { mode: "bypass" },
    });
    let deltas = 0;
    for await (const event of agent.stream("go")) if (event.type === "message-delta") deltas++;
    return deltas;
  };
}

async function sqliteStore() {
  const { SqliteSessionStore } = await import("arky/sqlite");
  const { mkdtempSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const store = new SqliteSessionStore({
    path: join(mkdtempSync(join(tmpdir(), "arky-bench-")), "sessions.db"),
  });
  // Counts the durable commits (one transaction each) so the parent can price one.
  for (const method of ["create", "append", "update"]) {
    const original = store[method].bind(store);
    store[method] = (...args) => {
      commits++;
      return original(...args);
    };
  }
  return store;
}

const importStart = performance.now();
const run = await makeRunner();
const importMs = performance.now() - importStart;
for (let i = 0; i < warmup; i++) await run();
const cpuStart = process.cpuUsage();
const started = performance.now();
let deltas = 0;
const walls = [];
for (let i = 0; i < iterations; i++) {
  const t = performance.now();
  deltas += await run();
  walls.push(performance.now() - t);
}
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
walls.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    variant,
    scenario,
    mode,
    iterations,
    importMs,
    commitsPerIteration: commits / (iterations + warmup),
    wallMsPerIteration: wallMs / iterations,
    medianWallMs: walls[Math.floor(walls.length / 2)],
    cpuMsPerIteration: (cpu.user + cpu.system) / 1000 / iterations,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    deltasPerSecond: (deltas / wallMs) * 1000,
  }),
);
