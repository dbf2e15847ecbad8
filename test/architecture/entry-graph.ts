import { importsOf, isRelative, rel, resolveRelative } from "./imports.js";

/**
 * Packages and built-ins the root entry must never load: subprocesses, databases,
 * HTTP servers, MCP and the model SDKs belong to their own subpaths; zod is left to the
 * caller's own schemas (loading it alone costs more than the rest of `import('arky')`).
 * A name matches itself and its subpaths (`hono` matches `hono/streaming`).
 */
export const HEAVY_MODULES = [
  "node:child_process",
  "child_process",
  "node:sqlite",
  "pg",
  "node:http",
  "http",
  "node:https",
  "https",
  "node:http2",
  "http2",
  "hono",
  "@hono/node-server",
  "@modelcontextprotocol/sdk",
  "@anthropic-ai/sdk",
  "openai",
  "zod",
] as const;

/** Whether a specifier names one of the {@link HEAVY_MODULES} or a subpath of one. */
export function isHeavy(specifier: string): boolean {
  return HEAVY_MODULES.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}

/**
 * Follows the runtime imports (static and dynamic; `import type` is erased and skipped)
 * of an entry file transitively, and returns each heavy module it reaches with the chain
 * of files that leads there. `staticOnly`: what loading the entry loads at once (lazy
 * `import()`s are not followed).
 */
export function heavyImportsReachedFrom(entry: string, { staticOnly = false } = {}): string[] {
  const parent = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  const found: string[] = [];
  const chain = (file: string) => {
    const files: string[] = [];
    for (let f: string | undefined = file; f; f = parent.get(f)) files.unshift(rel(f));
    return files.join(" → ");
  };
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const { specifier, typeOnly, dynamic } of importsOf(file)) {
      if (typeOnly || (staticOnly && dynamic)) continue;
      if (isRelative(specifier)) {
        const target = resolveRelative(file, specifier);
        if (target && !parent.has(target)) {
          parent.set(target, file);
          queue.push(target);
        }
      } else if (isHeavy(specifier)) {
        found.push(`${chain(file)} imports "${specifier}"`);
      }
    }
  }
  return found;
}
