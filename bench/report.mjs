// Formats `npm run bench` results as Markdown tables and checks them against the targets.

/** The median (upper middle for even counts). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
/** "per-round median (ratio of medians; per-round min–max)". */
const ratio = (r) => `${fmt(r.perRound, 2)} (${fmt(r.ofMedians, 2)}; ${fmt(r.min, 2)}–${fmt(r.max, 2)})`;

/** Each target: [label, value, limit, "<=" | ">="]. */
function targets(results) {
  const out = [];
  const at = (scenario, mode, variant) => results[scenario]?.[mode]?.[variant];
  const add = (label, value, limit, op) => {
    if (value !== undefined) out.push([label, value, limit, op]);
  };
  for (const scenario of ["text1", "tools10"]) {
    const cold = at(scenario, "cold", "arky")?.vsRaw;
    add(`${scenario} cold wall × raw`, cold?.wall.perRound, 1.1, "<=");
    add(`${scenario} cold CPU × raw`, cold?.cpu.perRound, 1.25, "<=");
    add(`${scenario} cold peak RSS × raw`, cold?.rss.perRound, 1.2, "<=");
  }
  const tools = at("tools10", "warm", "arky")?.vsRaw;
  add("tools10 warm wall × raw", tools?.wall.perRound, 1.1, "<=");
  add("tools10 warm CPU × raw", tools?.cpu.perRound, 1.5, "<=");
  add(
    "stream10k cold deltas/s × raw",
    at("stream10k", "cold", "arky")?.vsRaw.deltasPerSecond.perRound,
    0.8,
    ">=",
  );
  add(
    "stream10k warm deltas/s × raw",
    at("stream10k", "warm", "arky")?.vsRaw.deltasPerSecond.perRound,
    1.0,
    ">=",
  );
  add(
    "stream10k warm SQLite-on wall × in-memory",
    at("stream10k", "warm", "arky-sqlite")?.vsInMemory.wall.perRound,
    1.15,
    "<=",
  );
  for (const [entry, t] of Object.entries(results.imports ?? {}))
    if (entry !== "node") add(`import ${entry} ms`, t.ms, 60, "<");
  return out;
}

export function formatReport(results, scenarios, variants) {
  const lines = [];
  lines.push(
    `Arky native loop vs raw fetch+SSE: ${results.rounds} alternating rounds; figures are medians; ratios are the median of per-round variant/raw ratios (ratio of medians; per-round min–max).`,
  );
  lines.push(
    "warm = after a warm-up, mean of the timed runs of one process; cold = the first run of a fresh process, timed after its imports (imports are timed apart, below); peak RSS is the whole process's.",
  );
  lines.push("");
  lines.push(
    "| scenario | mode | variant | wall ms | CPU ms | peak RSS MB | deltas/s | wall × | CPU × | RSS × | deltas/s × |",
  );
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const scenario of scenarios)
    for (const mode of results.modes)
      for (const v of variants) {
        const m = results[scenario][mode][v];
        const r = m.vsRaw;
        const deltas =
          scenario === "stream10k" ? [fmt(m.deltasPerSecond, 0), ratio(r.deltasPerSecond)] : ["", ""];
        lines.push(
          `| ${scenario} | ${mode} | ${v} | ${fmt(m.wallMs, 2)} | ${fmt(m.cpuMs, 2)} | ${fmt(m.peakRssMb)} | ${deltas[0]} | ${v === "raw" ? "" : ratio(r.wall)} | ${v === "raw" ? "" : ratio(r.cpu)} | ${v === "raw" ? "" : ratio(r.rss)} | ${v === "raw" ? "" : deltas[1]} |`,
        );
      }
  lines.push("");
  lines.push("| import (fresh process, median of 10) | ms | min–max |");
  lines.push("|---|---|---|");
  for (const [entry, t] of Object.entries(results.imports ?? {}))
    lines.push(
      `| ${entry === "node" ? "nothing (baseline)" : entry} | ${fmt(t.ms)} | ${fmt(t.min)}–${fmt(t.max)} |`,
    );
  lines.push("");
  // The session store's cost: the same loop with the SQLite store on, against the in-memory store.
  for (const scenario of scenarios) {
    const warm = results[scenario].warm;
    const sqlite = warm?.["arky-sqlite"];
    if (!sqlite) continue;
    const commits = sqlite.commitsPerIteration;
    const costUs = ((sqlite.wallMs - warm.arky.wallMs) / commits) * 1000;
    lines.push(
      `SQLite-on ${scenario} (warm): wall ${ratio(sqlite.vsInMemory.wall)} × in-memory; ${fmt(commits, 0)} durable commits per run, ${costUs > 0 ? `~${fmt(costUs, 0)} µs each` : "cost within the noise"}.`,
    );
  }
  lines.push("");
  lines.push("Targets:");
  for (const [label, value, limit, op] of targets(results)) {
    const ok = op === ">=" ? value >= limit : op === "<" ? value < limit : value <= limit;
    lines.push(`- ${ok ? "met" : "NOT MET"}: ${label} ${fmt(value, 2)} (target ${op} ${limit})`);
  }
  lines.push(`(bench took ${fmt(results.seconds, 0)} s)`);
  return lines.join("\n");
}
