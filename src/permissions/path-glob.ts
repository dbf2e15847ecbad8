import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";

/**
 * Resolves a path pattern of a rule such as `Read(src/**)` to an absolute glob:
 * `//abs/path` is absolute, `~/x` is under the home directory, anything else (`/x`,
 * `./x`, `x`) is relative to `cwd`. A pattern with no `/` at all (`*.env`) matches at
 * any depth, as in `.gitignore`; a leading `/` or `./` anchors it at `cwd`.
 */
export function resolvePathPattern(pattern: string, cwd: string, home: string = homedir()): string {
  if (pattern.startsWith("//")) return pattern.slice(1);
  if (pattern.startsWith("~/")) return joinGlob(home, pattern.slice(2));
  const anchored = /^\.?\//.test(pattern);
  const body = pattern.replace(/^\.?\//, "");
  if (!anchored && !body.replace(/\/$/, "").includes("/") && !body.startsWith("**"))
    return joinGlob(cwd, `**/${body}`);
  return joinGlob(cwd, body);
}

function joinGlob(base: string, rest: string): string {
  return `${base.replace(/\/+$/, "")}/${rest}`;
}

/**
 * Compiles an absolute glob to a regular expression: `**` spans directories, `*` and
 * `?` stay within one segment, a trailing `/**` also matches the directory itself.
 */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      if (glob[i + 2] === "/") {
        out += "(?:.*/)?";
        i += 2;
      } else {
        out += ".*";
        i += 1;
      }
      continue;
    }
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  if (out.endsWith("/.*")) out = `${out.slice(0, -3)}(?:/.*)?`;
  return new RegExp(`^${out}$`);
}

/** The absolute form of a tool's path input (`~/` expanded, relative to `cwd`). */
export function resolveInputPath(path: string, cwd: string, home: string = homedir()): string {
  const expanded = path === "~" ? home : path.startsWith("~/") ? `${home}/${path.slice(2)}` : path;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(cwd, expanded);
}
