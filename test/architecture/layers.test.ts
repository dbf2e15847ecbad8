import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, isRelative, parseImports, resolveRelative, SRC, sourceFiles } from "./imports.js";
import { classify, type Edge, type LayerTable, layerViolations, unitCycles } from "./layers.js";

/**
 * The layers of ARCHITECTURE.md §3 ("dependencies point down only; a test enforces it").
 * This is the one place the rule lives: change it together with ARCHITECTURE.md and
 * docs/architecture.md.
 */
const TABLE: LayerTable = {
  layers: [
    // Subprocess primitives sit beside protocol/ so tools/, hooks/ and the runtimes share them.
    { layer: "leaf", folders: ["protocol", "process"] },
    // Foundation folders may import protocol and each other, as long as no cycle forms.
    { layer: "foundation", folders: ["tools", "hooks", "permissions", "session", "provider"] },
    { layer: "integration", folders: ["mcp"] },
    // One folder per runtime; a runtime never imports another (shared plumbing goes to provider/).
    { layer: "runtimes", folders: ["providers/*"] },
    { layer: "stores", folders: ["stores/*"] },
    { layer: "orchestration", folders: ["core"] },
    { layer: "exposure", folders: ["server", "delegation", "cli"] },
    // On top: the scripted model server and helpers may use anything.
    { layer: "testing", folders: ["testing"] },
  ],
  // The root entry re-exports the public API, up to the Agent in core/.
  rootFilesLayer: "orchestration",
  exceptions: [{ from: "cli", to: "testing", why: "the offline demo runs on the scripted model server" }],
};

const toSrc = (path: string) => relative(SRC, path).split(sep).join("/");

let graph: { edges: Edge[]; selfImports: string[] } | undefined;

/** The import graph of src/: one edge per relative import, plus lines for forbidden bare imports. */
function sourceGraph(): { edges: Edge[]; selfImports: string[] } {
  if (graph) return graph;
  const edges: Edge[] = [];
  const selfImports: string[] = [];
  for (const file of sourceFiles()) {
    for (const { specifier } of importsOf(file)) {
      if (specifier === "arky" || specifier.startsWith("arky/")) {
        selfImports.push(`${toSrc(file)} imports "${specifier}"; use a relative import`);
      } else if (isRelative(specifier)) {
        const target = resolveRelative(file, specifier) ?? resolve(dirname(file), specifier);
        edges.push({ from: toSrc(file), to: toSrc(target) });
      }
    }
  }
  graph = { edges, selfImports };
  return graph;
}

describe("layers (ARCHITECTURE.md §3)", () => {
  it("classifies every folder and file under src/", () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    const unknownFolders = folders.filter((folder) => !classify(TABLE, `${folder}/probe/probe.ts`));
    const unknownFiles = sourceFiles()
      .map(toSrc)
      .filter((file) => !classify(TABLE, file));
    expect(
      [...unknownFolders.map((f) => `src/${f}/`), ...unknownFiles.map((f) => `src/${f}`)],
      "unclassified: add them to the layer table in test/architecture/layers.test.ts",
    ).toEqual([]);
  });

  it("has no import from a higher layer or a sibling runtime or store", () => {
    const { edges, selfImports } = sourceGraph();
    expect(edges.length).toBeGreaterThan(20);
    expect([...selfImports, ...layerViolations(TABLE, edges)]).toEqual([]);
  });

  it("has no import cycle between folders", () => {
    expect(unitCycles(TABLE, sourceGraph().edges)).toEqual([]);
  });

  it("names every layer folder once and only known units in exceptions", () => {
    const folders = TABLE.layers.flatMap((l) => l.folders);
    expect(new Set(folders).size).toBe(folders.length);
    for (const { from, to } of TABLE.exceptions) {
      expect(classify(TABLE, `${from}/x.ts`)?.unit).toBe(from);
      expect(classify(TABLE, `${to}/x.ts`)?.unit).toBe(to);
    }
  });
});

describe("the layer check itself", () => {
  const check = (from: string, to: string) => layerViolations(TABLE, [{ from, to }]);

  it("allows imports downwards and within a layer", () => {
    expect(check("tools/tool.ts", "protocol/index.ts")).toEqual([]);
    expect(check("provider/runtime.ts", "tools/index.ts")).toEqual([]);
    expect(check("providers/codex/map.ts", "process/index.ts")).toEqual([]);
    expect(check("tools/builtin/bash.ts", "process/index.ts")).toEqual([]);
    expect(check("hooks/command/run-command.ts", "process/index.ts")).toEqual([]);
    expect(check("process/json-line-process.ts", "protocol/index.ts")).toEqual([]);
    expect(check("providers/codex/a.ts", "providers/codex/sub/b.ts")).toEqual([]);
    expect(check("core/agent.ts", "stores/sqlite/index.ts")).toEqual([]);
    expect(check("testing/server.ts", "providers/anthropic/index.ts")).toEqual([]);
    expect(check("index.ts", "core/index.ts")).toEqual([]);
    expect(check("cli/demo.ts", "testing/index.ts")).toEqual([]);
  });

  it("refuses imports upwards, between runtimes, and into testing or the root entry", () => {
    expect(check("protocol/events.ts", "tools/index.ts")).toEqual([
      "protocol/events.ts → tools/index.ts: leaf (protocol) may not import the higher layer foundation (tools)",
    ]);
    expect(check("process/process-group.ts", "tools/index.ts")).toHaveLength(1);
    expect(check("process/process-group.ts", "provider/index.ts")).toHaveLength(1);
    expect(check("session/store.ts", "testing/index.ts")).toHaveLength(1);
    expect(check("core/agent.ts", "server/index.ts")).toHaveLength(1);
    expect(check("providers/claude-code/x.ts", "providers/anthropic/y.ts")[0]).toContain(
      "may not import its sibling providers/anthropic",
    );
    expect(check("stores/postgres/x.ts", "stores/sqlite/y.ts")).toHaveLength(1);
    expect(check("tools/tool.ts", "index.ts")[0]).toContain("root entry");
    expect(check("index.ts", "server/index.ts")).toHaveLength(1);
    expect(check("tools/tool.ts", "../package.json")[0]).toContain("outside src/");
  });

  it("reports unclassified folders", () => {
    expect(check("widgets/a.ts", "protocol/index.ts")[0]).toContain("widgets/a.ts is in no layer");
    expect(check("providers/loose.ts", "protocol/index.ts")[0]).toContain("is in no layer");
  });

  it("finds cycles between folders", () => {
    expect(
      unitCycles(TABLE, [
        { from: "tools/a.ts", to: "provider/b.ts" },
        { from: "provider/b.ts", to: "permissions/c.ts" },
        { from: "permissions/c.ts", to: "tools/d.ts" },
        { from: "session/x.ts", to: "protocol/y.ts" },
      ]),
    ).toEqual(["permissions → tools → provider → permissions"]);
  });

  it("parses static, re-export, type-only and dynamic imports", () => {
    const source = [
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      'import "./side-effect.js";',
      'export * from "./c.js";',
      'export type { D } from "./d.js";',
      "// import { no } from './comment.js';",
      "const s = \"import x from './string.js'\";",
      'const lazy = await import("node:child_process");',
      "const computed = await import(name);",
      'type T = import("./t.js").T;',
    ].join("\n");
    expect(parseImports(source)).toEqual([
      { specifier: "./a.js", typeOnly: false, dynamic: false },
      { specifier: "../b.js", typeOnly: true, dynamic: false },
      { specifier: "./side-effect.js", typeOnly: false, dynamic: false },
      { specifier: "./c.js", typeOnly: false, dynamic: false },
      { specifier: "./d.js", typeOnly: true, dynamic: false },
      { specifier: "node:child_process", typeOnly: false, dynamic: true },
      { specifier: "<dynamic>", typeOnly: false, dynamic: true },
      { specifier: "./t.js", typeOnly: true, dynamic: false },
    ]);
  });
});
