// `npm run bench`: Arky's native loop against a raw fetch + hand-written SSE loop doing the
// same work on the same scripted model server, in child processes of this one, alternating
// runs. Prints wall time, CPU, peak RSS and deltas/s as ratios to the raw baseline.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startScriptedModelServer } from "arky/testing";
import { SCENARIOS } from "./scenarios.mjs";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const only = process.argv.slice(2);
const scenarios = Object.keys(SCENARIOS).filter((s) => only.length === 0 || only.includes(s));
const variants = ["raw", "arky"];
if (existsSync(join(root, "dist/stores/sqlite/index.js")) && process.env.BENCH_SQLITE !== "0")
  variants.push("arky-sqlite");

let current = { steps: [], next: 0 };
const server = await startScriptedModelServer({
  script: () => current.steps[current.next++ % current.steps.length],
});

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function child(variant, scenario) {
  current = { steps: SCENARIOS[scenario].script(), next: 0 };
  const { stdout } = await run(
    process.execPath,
    [join(here, "worker.mjs"), variant, scenario, server.baseUrl],
    {
      cwd: root,
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout);
}

async function importTime() {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const t = performance.now(); await import('arky'); process.stdout.write(String(performance.now() - t));",
      ],
      { cwd: root },
    );
    times.push(Number(stdout));
  }
  return median(times);
}

const results = {};
try {
  for (const scenario of scenarios) {
    const samples = Object.fromEntries(variants.map((v) => [v, []]));
    for (let r = 0; r < rounds; r++) {
      // Alternate the order each round so neither variant always runs on a warmer machine.
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) samples[variant].push(await child(variant, scenario));
    }
    // Ratios are medians of per-round ratios: the runs of one round are back to back, so a
    // slow spell of the machine moves both sides of a ratio together.
    const ratio = (v, base, key) => median(samples[v].map((s, r) => s[key] / samples[base][r][key]));
    results[scenario] = Object.fromEntries(
      variants.map((v) => [
        v,
        {
          wallMs: median(samples[v].map((s) => s.wallMsPerIteration)),
          cpuMs: median(samples[v].map((s) => s.cpuMsPerIteration)),
          peakRssMb: median(samples[v].map((s) => s.peakRssMb)),
          deltasPerSecond: median(samples[v].map((s) => s.deltasPerSecond)),
          vsRaw: {
            wall: ratio(v, "raw", "wallMsPerIteration"),
            cpu: ratio(v, "raw", "cpuMsPerIteration"),
            rss: ratio(v, "raw", "peakRssMb"),
            deltasPerSecond: ratio(v, "raw", "deltasPerSecond"),
          },
          ...(v === "arky-sqlite" ? { vsInMemory: { wall: ratio(v, "arky", "wallMsPerIteration") } } : {}),
        },
      ]),
    );
  }
  results.importMs = await importTime();
} finally {
  await server.close();
}

const fmt = (n, digits = 1) => n.toFixed(digits);
const lines = [];
lines.push(
  `Arky native loop vs raw fetch+SSE (median of ${rounds} alternating rounds; ratios = median of per-round variant / raw)`,
);
lines.push("");
lines.push(
  "| scenario | variant | wall ms/iter | CPU ms/iter | peak RSS MB | deltas/s | wall × | CPU × | RSS × | deltas/s × |",
);
lines.push("|---|---|---|---|---|---|---|---|---|---|");
for (const scenario of scenarios) {
  for (const v of variants) {
    const m = results[scenario][v];
    lines.push(
      `| ${scenario} | ${v} | ${fmt(m.wallMs, 2)} | ${fmt(m.cpuMs, 2)} | ${fmt(m.peakRssMb)} | ${fmt(m.deltasPerSecond, 0)} | ${fmt(m.vsRaw.wall, 2)} | ${fmt(m.vsRaw.cpu, 2)} | ${fmt(m.vsRaw.rss, 2)} | ${fmt(m.vsRaw.deltasPerSecond, 2)} |`,
    );
  }
}
lines.push("");
lines.push(`import('arky'): ${fmt(results.importMs)} ms (median of 7 cold starts)`);
const targets = [];
if (results.tools10) {
  const t = results.tools10;
  targets.push(`tools10 wall ${fmt(t.arky.vsRaw.wall, 2)}× raw (target ≤ 1.10)`);
  targets.push(`tools10 CPU ${fmt(t.arky.vsRaw.cpu, 2)}× raw (target ≤ 1.5)`);
}
if (results.stream10k) {
  const s = results.stream10k;
  targets.push(`stream10k deltas/s ${fmt(s.arky.vsRaw.deltasPerSecond, 2)}× raw (target ≥ 0.8)`);
}
targets.push(`import ${fmt(results.importMs)} ms (target < 100)`);
lines.push(`Targets: ${targets.join("; ")}`);
// The session store's cost: the same loop with the SQLite store on, against the in-memory store.
const sqliteOn = ["tools10", "stream10k"]
  .filter((s) => results[s]?.["arky-sqlite"])
  .map((s) => `${s} wall ${fmt(results[s]["arky-sqlite"].vsInMemory.wall, 2)}× in-memory (target ≤ 1.15)`);
if (sqliteOn.length > 0) lines.push(`SQLite-on: ${sqliteOn.join("; ")}`);
const report = lines.join("\n");
console.log(report);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
