import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { ArkyError } from "../../protocol/index.js";
import { type GrepQuery, limitLines, shownPath } from "./grep-query.js";
import { looksBinary } from "./read.js";

const SKIPPED = new Set([".git", "node_modules"]);
const OUTPUT_LIMIT = 4 * 1024 * 1024;

/**
 * The JavaScript grep: walks the target without following symlinks, skips binary files,
 * and prints what ripgrep would (`path:line:text`, `path-line-text`, `--`).
 */
export async function grepWithJs(query: GrepQuery): Promise<string> {
  let regex: RegExp;
  try {
    regex = new RegExp(query.pattern, query.ignoreCase ? "i" : "");
  } catch (cause) {
    throw new ArkyError({
      code: "tool-execution",
      message: `grep failed: invalid regular expression: ${(cause as Error).message}`,
      correction: "Fix the regular expression.",
    });
  }
  const mode = query.outputMode ?? "content";
  const files = (await stat(query.target)).isDirectory()
    ? await walk(query.target, query.target, query.glob, query.signal)
    : [query.target];
  const out: string[] = [];
  let size = 0;
  let previousGroupEnded = false;
  for (const file of files.sort()) {
    query.signal.throwIfAborted();
    const lines = await textLines(file, query.maxFileBytes);
    if (!lines) continue;
    const hits = lines.flatMap((line, i) => (regex.test(line) ? [i] : []));
    const isHit = new Set(hits);
    if (hits.length === 0) continue;
    const shown = shownPath(file, query.displayRoot);
    if (mode === "files") out.push(shown);
    else if (mode === "count") out.push(`${shown}:${hits.length}`);
    else {
      for (const group of groups(hits, query.context ?? 0, lines.length)) {
        if (previousGroupEnded && query.context) out.push("--");
        for (let i = group.from; i <= group.to; i++) {
          const mark = isHit.has(i) ? ":" : "-";
          out.push(`${shown}${mark}${i + 1}${mark}${lines[i]}`);
        }
        previousGroupEnded = true;
      }
    }
    size += out.at(-1)?.length ?? 0;
    if (size > OUTPUT_LIMIT) break;
  }
  return limitLines(out.join("\n"), mode === "content" ? Number.POSITIVE_INFINITY : query.maxResults);
}

function groups(hits: number[], context: number, total: number): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  for (const hit of hits) {
    const from = Math.max(0, hit - context);
    const to = Math.min(total - 1, hit + context);
    const last = out.at(-1);
    if (last && from <= last.to + 1) last.to = Math.max(last.to, to);
    else out.push({ from, to });
  }
  return out;
}

async function walk(
  dir: string,
  root: string,
  glob: string | undefined,
  signal: AbortSignal,
): Promise<string[]> {
  const found: string[] = [];
  // A folder that vanished or may not be read is skipped, as rg skips it.
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    signal.throwIfAborted();
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) found.push(...(await walk(full, root, glob, signal)));
    } else if (entry.isFile() && matches(full, root, glob)) found.push(full);
  }
  return found;
}

/** ripgrep's rule: a glob without `/` matches the file name, otherwise the relative path. */
function matches(file: string, root: string, glob: string | undefined): boolean {
  if (!glob) return true;
  const negated = glob.startsWith("!");
  const pattern = negated ? glob.slice(1) : glob;
  const subject = pattern.includes("/") ? path.relative(root, file) : path.basename(file);
  return path.matchesGlob(subject, pattern) !== negated;
}

async function textLines(file: string, maxBytes: number): Promise<string[] | undefined> {
  // A file that vanished or may not be read is skipped, as rg skips it.
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return undefined;
    const buffer = Buffer.alloc(size);
    await handle.read(buffer, 0, size, 0);
    if (looksBinary(buffer)) return undefined;
    const lines = buffer.toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    return lines.map((line) => line.replace(/\r$/, ""));
  } finally {
    await handle.close();
  }
}
