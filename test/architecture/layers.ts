/** Checks an import graph against a layer table (the table itself is in layers.test.ts). */

/**
 * A layer table: layers lowest first (a module may import its own layer and those
 * below), where files directly in `src/` sit, and allowed exceptions with reasons. A
 * folder ending in `/*` makes every sub-folder its own unit that may not import a sibling.
 */
export interface LayerTable {
  layers: ReadonlyArray<{ layer: string; folders: readonly string[] }>;
  rootFilesLayer: string;
  exceptions: ReadonlyArray<{ from: string; to: string; why: string }>;
}

/** A module's unit (its folder: `tools`, `providers/codex`, `(root)`) and layer, or undefined if unclassified. */
export function classify(
  table: LayerTable,
  srcPath: string,
): { unit: string; layer: string; rank: number } | undefined {
  const parts = srcPath.split("/");
  if (parts.length === 1) {
    const rank = table.layers.findIndex((l) => l.layer === table.rootFilesLayer);
    return { unit: "(root)", layer: table.rootFilesLayer, rank };
  }
  for (const [rank, { layer, folders }] of table.layers.entries()) {
    for (const folder of folders) {
      if (folder.endsWith("/*")) {
        const parent = folder.slice(0, -2);
        if (parts[0] === parent && parts.length >= 3) return { unit: `${parent}/${parts[1]}`, layer, rank };
      } else if (parts[0] === folder) {
        return { unit: folder, layer, rank };
      }
    }
  }
  return undefined;
}

/** An edge of the import graph: both ends as paths relative to `src/` (`tools/tool.ts`). */
export interface Edge {
  from: string;
  to: string;
}

/** Every edge that breaks the layer rules, as readable lines. */
export function layerViolations(table: LayerTable, edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = classify(table, from);
    const b = classify(table, to);
    const line = (why: string) => `${from} → ${to}: ${why}`;
    if (to.startsWith("../")) {
      out.push(line("imports from outside src/"));
      continue;
    }
    if (!a || !b) {
      out.push(
        line(
          `${!a ? from : to} is in no layer; add its folder to the layer table in test/architecture/layers.test.ts`,
        ),
      );
      continue;
    }
    if (b.unit === "(root)" && a.unit !== "(root)") {
      out.push(line("nothing inside src/ may import the root entry (import the module itself)"));
      continue;
    }
    if (a.unit === b.unit) continue;
    if (table.exceptions.some((e) => e.from === a.unit && e.to === b.unit)) continue;
    if (b.rank > a.rank) {
      out.push(line(`${a.layer} (${a.unit}) may not import the higher layer ${b.layer} (${b.unit})`));
    } else if (b.rank === a.rank && table.layers[a.rank]!.folders.some((f) => f.endsWith("/*"))) {
      out.push(line(`${a.unit} may not import its sibling ${b.unit}`));
    }
  }
  return out;
}

/** Cycles between units (folders), e.g. `tools → provider → tools`, each as one line. */
export function unitCycles(table: LayerTable, edges: readonly Edge[]): string[] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = classify(table, from)?.unit;
    const b = classify(table, to)?.unit;
    if (!a || !b || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (unit: string) => {
    state.set(unit, "open");
    stack.push(unit);
    for (const next of graph.get(unit) ?? []) {
      if (state.get(next) === "open") cycles.add([...stack.slice(stack.indexOf(next)), next].join(" → "));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(unit, "done");
  };
  for (const unit of [...graph.keys()].sort()) if (!state.has(unit)) visit(unit);
  return [...cycles];
}
