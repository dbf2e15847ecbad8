import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/io.js";

/** A CliIo whose output is captured. */
export function captureIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: {
      write: (t: string) => {
        out += t;
        return true;
      },
    } as never,
    stderr: {
      write: (t: string) => {
        err += t;
        return true;
      },
    } as never,
    env,
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

/** A private temp folder and its removal. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
