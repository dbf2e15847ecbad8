import { lstat, readlink, realpath } from "node:fs/promises";
import path from "node:path";
import { ArkyError } from "../../protocol/index.js";

const MAX_PATH_LENGTH = 4096;
const MAX_LINK_DEPTH = 40;

/**
 * The folders file tools may touch: the working directory first, then any additional
 * directories. Paths are resolved relative to the working directory and must stay
 * inside one root after every symlink is followed.
 */
export class AllowedRoots {
  readonly cwd: string;
  readonly roots: readonly string[];
  #real: Promise<string[]> | undefined;

  constructor(cwd: string, additionalDirectories: readonly string[] = []) {
    this.cwd = path.resolve(cwd);
    this.roots = [this.cwd, ...additionalDirectories.map((d) => path.resolve(this.cwd, d))];
  }

  /** The roots with their symlinks resolved (computed once). */
  realRoots(): Promise<string[]> {
    // A root that does not exist (yet) has no symlinks to resolve: it stands as given.
    this.#real ??= Promise.all(this.roots.map((r) => realpath(r).catch(() => r)));
    return this.#real;
  }

  /**
   * Resolves a model-supplied path to a real absolute path inside the roots, following
   * symlinks (also of a not-yet-existing file, through its nearest existing ancestor).
   * Throws a `tool-execution` ArkyError naming the path when it escapes or is malformed.
   */
  async resolve(input: string): Promise<string> {
    if (input.length === 0) throw refused(input, "the path is empty");
    if (input.includes("\0")) throw refused(input, "the path contains a NUL byte");
    if (input.length > MAX_PATH_LENGTH) throw refused(input, `the path is longer than ${MAX_PATH_LENGTH}`);
    if (input.startsWith("~")) throw refused(input, "'~' is not expanded; give a path inside the project");
    const absolute = path.resolve(this.cwd, input);
    const real = await realResolve(absolute, 0).catch((cause: unknown) => {
      throw refused(input, `it cannot be resolved (${(cause as Error).message})`);
    });
    const roots = await this.realRoots();
    if (!roots.some((root) => isInside(real, root))) {
      throw refused(input, "it resolves outside the allowed directories");
    }
    return real;
  }
}

/** Whether `child` is `parent` or lies below it. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

async function realResolve(absolute: string, depth: number): Promise<string> {
  if (depth > MAX_LINK_DEPTH) throw new Error("too many levels of symbolic links");
  try {
    return await realpath(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // Missing: either a dangling symlink (follow it by hand) or a file not created yet.
  const stats = await lstat(absolute).catch(() => undefined); // absent: a file not created yet
  if (stats?.isSymbolicLink()) {
    const target = await readlink(absolute);
    return realResolve(path.resolve(path.dirname(absolute), target), depth + 1);
  }
  const parent = path.dirname(absolute);
  if (parent === absolute) return absolute;
  return path.join(await realResolve(parent, depth + 1), path.basename(absolute));
}

/** The `tool-execution` error for a path the file tools refuse, naming it and why. */
export function refused(input: string, reason: string): ArkyError {
  const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
  return new ArkyError({
    code: "tool-execution",
    message: `Access to ${JSON.stringify(shown)} was refused: ${reason}.`,
    correction: "Use a path inside the working directory or one of the additional directories.",
    details: { reason: "path-outside-roots" },
  });
}
