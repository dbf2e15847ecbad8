import { spawn } from "node:child_process";
import { ArkyError } from "../../protocol/index.js";
import { filteredEnv } from "./env.js";
import { type GrepQuery, limitLines, shownPath } from "./grep-query.js";

/** Runs ripgrep for a {@link GrepQuery}; resolves with its output (paths relative to the display root). */
export function grepWithRipgrep(rgPath: string, query: GrepQuery): Promise<string> {
  const args = [
    "--no-config",
    "--no-heading",
    "--line-number",
    "--color=never",
    "--sort=path",
    "--hidden",
    "--with-filename",
  ];
  args.push("--glob", "!.git", "--max-filesize", String(query.maxFileBytes));
  if (query.ignoreCase) args.push("--ignore-case");
  if (query.glob) args.push("--glob", query.glob);
  const mode = query.outputMode ?? "content";
  if (mode === "files") args.push("--files-with-matches");
  else if (mode === "count") args.push("--count");
  else if (query.context) args.push("--context", String(query.context));
  const shown = shownPath(query.target, query.displayRoot);
  args.push("--regexp", query.pattern, "--", shown);

  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, args, {
      cwd: query.displayRoot,
      env: filteredEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      signal: query.signal,
    });
    const limit = 4 * 1024 * 1024;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      // Enough for any capped answer; stop ripgrep rather than buffer a huge result.
      if (stdout.length > limit) child.kill();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 10_000) stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => {
      if (query.signal.aborted) reject(query.signal.reason);
      else
        reject(
          new ArkyError({
            code: "tool-execution",
            message: `ripgrep failed: ${error.message}`,
            cause: error,
          }),
        );
    });
    child.on("close", (code) => {
      if (query.signal.aborted) return reject(query.signal.reason);
      if (code === 2 && stdout.length === 0) {
        return reject(
          new ArkyError({
            code: "tool-execution",
            message: `grep failed: ${stderr.trim() || "ripgrep exited with status 2"}`,
            correction: "Check the regular expression (ripgrep syntax: no look-around or backreferences).",
          }),
        );
      }
      // Searching "." makes ripgrep print "./" before every path; the JS search does not.
      if (shown === ".") stdout = stdout.replace(/^\.\//gm, "");
      resolve(limitLines(stdout, mode === "content" ? Number.POSITIVE_INFINITY : query.maxResults));
    });
  });
}
