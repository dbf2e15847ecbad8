import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heavyImportsReachedFrom, isHeavy } from "./entry-graph.js";
import { ROOT, SRC } from "./imports.js";

const run = promisify(execFile);

/** The only variables the child processes below need. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"]) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

describe("the root entry (src/index.ts)", () => {
  it("reaches no subprocess, database, HTTP server, MCP or model SDK module", () => {
    expect(heavyImportsReachedFrom(join(SRC, "index.ts"))).toEqual([]);
  });

  describe("the import-graph walk", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "arky-entry-"));
      writeFileSync(join(dir, "index.ts"), 'export * from "./a.js";\nimport type { Pool } from "pg";\n');
      writeFileSync(join(dir, "a.ts"), 'import { b } from "./sub/index.js";\nexport const a = b;\n');
      writeFileSync(join(dir, "clean.ts"), 'import { join } from "node:path";\nexport const c = join;\n');
      mkdirSync(join(dir, "sub"));
      writeFileSync(
        join(dir, "sub", "index.ts"),
        'export const b = 1;\nconst lazy = () => import("@hono/node-server");\nimport "node:http";\n',
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("follows relative imports and reports each heavy one with its chain", () => {
      const found = heavyImportsReachedFrom(join(dir, "index.ts"));
      expect(found).toHaveLength(2);
      expect(found[0]).toMatch(/index\.ts → .*a\.ts → .*sub\/index\.ts imports "@hono\/node-server"$/);
      expect(found[1]).toMatch(/sub\/index\.ts imports "node:http"$/);
      expect(found.join()).not.toContain('"pg"');
      expect(heavyImportsReachedFrom(join(dir, "clean.ts"))).toEqual([]);
    });
  });
});

describe("the arky/anthropic entry", () => {
  it("loads no heavy module at import but its HTTP client: not the Anthropic SDK, zod or node:https", () => {
    const entry = join(SRC, "providers", "anthropic", "index.ts");
    const found = heavyImportsReachedFrom(entry, { staticOnly: true });
    expect(found.filter((line) => !line.endsWith('imports "node:http"'))).toEqual([]);
  });
});

describe("the arky/codex entry", () => {
  it("loads the MCP SDK and its HTTP server only once a Codex tool bridge starts", () => {
    const entry = join(SRC, "providers", "codex", "index.ts");
    const deferred = (found: string[]) =>
      found.filter((line) => /"(@modelcontextprotocol\/sdk|node:http|hono|@anthropic-ai\/sdk)/.test(line));
    expect(deferred(heavyImportsReachedFrom(entry, { staticOnly: true }))).toEqual([]);
    expect(deferred(heavyImportsReachedFrom(entry)).length).toBeGreaterThan(0);
  });
});

describe("the arky/claude-code entry", () => {
  it("arky/claude-code loads the MCP SDK only once a CLI talks to the arky MCP server", () => {
    const entry = join(SRC, "providers", "claude-code", "index.ts");
    const mcp = (found: string[]) => found.filter((line) => line.includes("@modelcontextprotocol/sdk"));
    expect(mcp(heavyImportsReachedFrom(entry, { staticOnly: true }))).toEqual([]);
    // The lazy path exists: the walk that follows import() does reach it.
    expect(mcp(heavyImportsReachedFrom(entry)).length).toBeGreaterThan(0);
  });
});

describe("package.json", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    exports?: unknown;
    bin?: string | Record<string, string>;
  };

  /** Where a published path comes from: `./dist/x.js` and `./dist/x.d.ts` are built from `src/x.ts`. */
  function sourceOf(target: string): string {
    const built = /^\.\/dist\/(.+?)(\.d\.ts|\.js)$/.exec(target);
    return built ? `src/${built[1]}.ts` : target.replace(/^\.\//, "");
  }

  function targets(value: unknown, key: string): Array<{ key: string; target: string }> {
    if (typeof value === "string") return [{ key, target: value }];
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([k, v]) => targets(v, key ? `${key} ${k}` : k));
  }

  it("points every export and bin at a source file that exists", () => {
    const bins = typeof pkg.bin === "string" ? { bin: pkg.bin } : (pkg.bin ?? {});
    const all = [
      ...targets(pkg.exports, ""),
      ...Object.entries(bins).map(([name, target]) => ({ key: `bin ${name}`, target })),
    ];
    expect(all.length).toBeGreaterThan(2);
    const broken = all
      .filter(({ target }) => !existsSync(join(ROOT, sourceOf(target))))
      .map(({ key, target }) => `${key}: ${target} (no ${sourceOf(target)})`);
    expect(broken, "package.json points at files that are never built; fix or prune them").toEqual([]);
  });
});

describe("the built package", () => {
  let build: { ok: boolean; output: string };
  let pkg: string;
  beforeAll(async () => {
    // The compile step of `npm run build`, so the test does not depend on a stale dist/. It
    // builds a copy of the package, not dist/ itself: other test files run dist/ in child
    // processes meanwhile, and tsc rewrites its files in place.
    pkg = mkdtempSync(join(tmpdir(), "arky-pkg-"));
    writeFileSync(join(pkg, "package.json"), readFileSync(join(ROOT, "package.json")));
    symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"), "dir");
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    try {
      const { stdout } = await run(
        process.execPath,
        [tsc, "-p", "tsconfig.build.json", "--outDir", join(pkg, "dist")],
        {
          cwd: ROOT,
          env: childEnv(),
          maxBuffer: 10 * 1024 * 1024,
        },
      );
      build = { ok: true, output: stdout };
    } catch (error) {
      build = { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
    }
  }, 180_000);
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));

  it("compiles", () => {
    expect(build.output).toBe("");
    expect(build.ok).toBe(true);
  });

  it("is importable as `arky` and `arky/anthropic` from a separate Node process, loading no heavy module", async () => {
    const script = `
      import { registerHooks } from "node:module";
      const loaded = [];
      registerHooks({ resolve: (specifier, context, next) => (loaded.push(specifier), next(specifier, context)) });
      const arky = await import("arky");
      await import("arky/anthropic");
      const error = new arky.ArkyError({ code: "overloaded", message: "busy" });
      const store = new arky.InMemorySessionStore();
      await store.create("s1");
      console.log(JSON.stringify({
        ArkyError: typeof arky.ArkyError,
        tool: typeof arky.tool,
        InMemorySessionStore: typeof arky.InMemorySessionStore,
        branded: arky.ArkyError.isArkyError(error),
        retryable: error.retryable,
        session: (await store.get("s1")).sessionId,
        loaded,
      }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: pkg,
      env: childEnv(),
      timeout: 60_000,
    });
    const { loaded, ...exported } = JSON.parse(stdout) as { loaded: string[] };
    expect(exported).toEqual({
      ArkyError: "function",
      tool: "function",
      InMemorySessionStore: "function",
      branded: true,
      retryable: true,
      session: "s1",
    });
    expect(loaded).toContain("arky");
    // node:http is arky/anthropic's own HTTP client (not a server); nothing else heavy loads.
    expect(loaded.filter((s) => isHeavy(s) && s !== "node:http")).toEqual([]);
  });
});
