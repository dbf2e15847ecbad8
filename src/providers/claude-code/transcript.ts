import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Where the CLI keeps its configuration: `CLAUDE_CONFIG_DIR`, or `~/.claude`. */
export function claudeConfigRoot(
  configDir: string | undefined,
  env: Record<string, string | undefined>,
): string {
  return configDir ?? env.CLAUDE_CONFIG_DIR ?? join(env.HOME ?? homedir(), ".claude");
}

/** Finds a session's transcript file under `projects/`, whatever the slug. */
export async function findTranscript(root: string, claudeSessionId: string): Promise<string | undefined> {
  const projects = join(root, "projects");
  let dirs: string[];
  try {
    dirs = await readdir(projects);
  } catch {
    return undefined; // no projects folder yet: the CLI has written no transcript
  }
  for (const dir of dirs) {
    const file = join(projects, dir, `${claudeSessionId}.jsonl`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Reads a session's transcript, or undefined when the CLI has none. */
export async function readTranscript(root: string, claudeSessionId: string): Promise<string | undefined> {
  const file = await findTranscript(root, claudeSessionId);
  // A transcript removed or unreadable since it was found is the same as none (callers then start afresh).
  return file ? readFile(file, "utf8").catch(() => undefined) : undefined;
}

/**
 * Puts a transcript copy back where the CLI looks for it before `--resume`, unless the
 * CLI still has its own (which is newer or the same).
 */
export async function restoreTranscript(
  root: string,
  cwd: string,
  claudeSessionId: string,
  transcript: string,
): Promise<void> {
  if (await findTranscript(root, claudeSessionId)) return;
  // The CLI's project folder for a working directory: every non-alphanumeric becomes `-`.
  const dir = join(root, "projects", resolve(cwd).replace(/[^a-zA-Z0-9]/g, "-"));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, `${claudeSessionId}.jsonl`), transcript, { mode: 0o600 });
}
