import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildChildEnv } from "../../process/index.js";

/** What a CLI process starts with once its API key is moved out of its environment. */
export interface CredentialLaunch {
  /** Environment additions, `ANTHROPIC_API_KEY` removed. */
  env: Record<string, string | undefined>;
  /** `--settings` with an `apiKeyHelper` that prints the key, when there was one. */
  args: string[];
}

/**
 * Keeps the CLI's `ANTHROPIC_API_KEY` out of its environment, where every command its Bash
 * runs would inherit it: the key goes to a 0600 file in a private 0700 folder, and the CLI
 * reads it through its `apiKeyHelper` setting. One file per runtime, removed by `dispose`.
 */
export class KeyFile {
  #dir: string | undefined;
  #key: string | undefined;

  /** The launch of a CLI process whose environment (additions and inherited names) is given. */
  launch(env: Record<string, string | undefined>, inherit: readonly string[]): CredentialLaunch {
    const key = buildChildEnv({ env, inherit }).ANTHROPIC_API_KEY;
    if (!key) return { env, args: [] };
    const file = this.#write(key);
    const helper = `cat '${file.replaceAll("'", `'\\''`)}'`;
    return {
      env: { ...env, ANTHROPIC_API_KEY: undefined },
      args: ["--settings", JSON.stringify({ apiKeyHelper: helper })],
    };
  }

  /** Removes the key file. */
  dispose(): void {
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
    this.#key = undefined;
  }

  #write(key: string): string {
    this.#dir ??= mkdtempSync(path.join(tmpdir(), "arky-claude-key-"));
    const file = path.join(this.#dir, "api-key");
    if (this.#key !== key) {
      writeFileSync(file, key, { mode: 0o600 });
      this.#key = key;
    }
    return file;
  }
}
