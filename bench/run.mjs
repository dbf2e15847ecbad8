// `npm run bench`: Arky's native loop against a raw fetch + hand-written SSE loop doing the
// same work on the same scripted model server, in child processes of this one, alternating
// runs. Two columns: warm (after a warm-up, as in a long-lived server) and cold (each sample
// a fresh process timing its first run after its imports, as in `arky run`, a CLI or a
// serverless call). Prints wall time, CPU, peak RSS and deltas/s as ratios to raw, and the
// import time of each entry point.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startScriptedModelServer } from "arky/testing";
import { formatReport, median } from "./report.mjs";
import { SCENARIOS } from "./scenarios.mjs";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const only = process.argv.slice(2);
const scenarios = Object.keys(SCENARIOS).filter((s) => only.length === 0 || only.includes(s));
const modes = (process.env.BENCH_MODES ?? "warm,cold").split(",");
const variants = ["raw", "arky"];
if (existsSync(join(root, "dist/stores/sqlite/index.js")) && process.env.BENCH_SQLITE !== "0")
  variants.push("arky-sqlite");

let current = { steps: [], next: 0 };
const server = await startScriptedModelServer({
  script: () => current.steps[current.next++ % current.steps.length],
});

async function child(variant, scenario, mode) {
  current = { steps: SCENARIOS[scenario].script(), next: 0 };
  const { stdout } = await run(
    process.execPath,
    [join(here, "worker.mjs"), variant, scenario, server.baseUrl, mode],
    { cwd: root, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout);
}

/** Entry points timed on import in fresh processes; "node" is the empty baseline. */
const ENTRIES = {
  node: [],
  "arky + arky/anthropic": ["arky", "arky/anthropic"],
  "arky/claude-code": ["arky/claude-code"],
  "arky/codex": ["arky/codex"],
};

async function importTimes(samples = 10) {
  const times = Object.fromEntries(Object.keys(ENTRIES).map((e) => [e, []]));
  for (let i = 0; i < samples; i++) {
    for (const [name, specifiers] of Object.entries(ENTRIES)) {
      const script = `const t = performance.now(); for (const s of ${JSON.stringify(specifiers)}) await import(s); process.stdout.write(String(performance.now() - t));`;
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
      times[name].push(Number(stdout));
    }
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, ts]) => [
      name,
      { ms: median(ts), min: Math.min(...ts), max: Math.max(...ts) },
    ]),
  );
}

const KEYS = {
  wall: "wallMsPerIteration",
  cpu: "cpuMsPerIteration",
  rss: "peakRssMb",
  deltasPerSecond: "deltasPerSecond",
};

function summarise(samples) {
  const of = (v, key) => samples[v].map((s) => s[key]);
  // Per-round ratios: the runs of one round are back to back, so a slow spell of the
  // machine moves both sides of a ratio together.
  const perRound = (v, base, key) => samples[v].map((s, r) => s[key] / samples[base][r][key]);
  const ratios = (v, base) =>
    Object.fromEntries(
      Object.entries(KEYS).map(([name, key]) => {
        const rounds = perRound(v, base, key);
        return [
          name,
          {
            ofMedians: median(of(v, key)) / median(of(base, key)),
            perRound: median(rounds),
            min: Math.min(...rounds),
            max: Math.max(...rounds),
          },
        ];
      }),
    );
  return Object.fromEntries(
    variants.map((v) => [
      v,
      {
        wallMs: median(of(v, KEYS.wall)),
        cpuMs: median(of(v, KEYS.cpu)),
        peakRssMb: median(of(v, KEYS.rss)),
        deltasPerSecond: median(of(v, KEYS.deltasPerSecond)),
        importMs: median(of(v, "importMs")),
        commitsPerIteration: median(of(v, "commitsPerIteration")),
        vsRaw: ratios(v, "raw"),
        ...(v === "arky-sqlite" ? { vsInMemory: ratios(v, "arky") } : {}),
      },
    ]),
  );
}

const results = { rounds, modes };
const started = performance.now();
try {
  for (const scenario of scenarios) {
    results[scenario] = {};
    for (const mode of modes) {
      const samples = Object.fromEntries(variants.map((v) => [v, []]));
      for (let r = 0; r < rounds; r++) {
        // Alternate the order each round so neither variant always runs on a warmer machine.
        const order = r % 2 === 0 ? variants : [...variants].reverse();
        for (const variant of order) samples[variant].push(await child(variant, scenario, mode));
      }
      results[scenario][mode] = summarise(samples);
    }
  }
  results.imports = await importTimes();
} finally {
  await server.close();
}
results.seconds = (performance.now() - started) / 1000;

const report = formatReport(results, scenarios, variants);
console.log(report);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
