import type { Tool } from "../../tools/index.js";
import type { ClaudeCodeProcess } from "./claude-code-process.js";
import { type ProcessNeeds, sameNeeds } from "./process-needs.js";

/** Options of {@link ClaudeCodeRuntime.prewarm}: what the sessions that claim these processes will use. */
export interface PrewarmOptions {
  /**
   * The Arky tools the sessions' turns will have. The CLI learns a process's tools when
   * it starts, so a session claims a pooled process only when its tools are the same.
   */
  tools?: readonly Tool[];
  /**
   * Whether the sessions will have a guard: such processes register Arky's PreToolUse hook.
   * Default true, as every Agent has one (its permissions, by default mode `default`) unless
   * it is given `guard: allowAllGuard`; a process with the hook serves both kinds.
   */
  guarded?: boolean;
}

/** A started, initialized CLI process waiting for a session, and what it was started with. */
export interface PooledProcess {
  process: ClaudeCodeProcess;
  needs: ProcessNeeds;
}

/** Idle processes of a runtime. A session claims the first live one that fits its needs. */
export class ProcessPool {
  readonly #idle: PooledProcess[] = [];

  get size(): number {
    return this.#idle.length;
  }

  /** How many idle processes were started with exactly these needs. */
  countLike(needs: ProcessNeeds): number {
    return this.#idle.filter((p) => sameNeeds(p.needs, needs)).length;
  }

  pids(): number[] {
    return this.#idle.filter((p) => p.process.alive).map((p) => p.process.pid);
  }

  add(entry: PooledProcess): void {
    this.#idle.push(entry);
  }

  /** Takes the first live process that `fits`; dead ones are dropped on the way. */
  claim(fits: (needs: ProcessNeeds) => boolean): PooledProcess | undefined {
    for (let i = 0; i < this.#idle.length; ) {
      const entry = this.#idle[i]!;
      if (!entry.process.alive) this.#idle.splice(i, 1);
      else if (fits(entry.needs)) return this.#idle.splice(i, 1)[0];
      else i++;
    }
    return undefined;
  }

  drain(): PooledProcess[] {
    return this.#idle.splice(0);
  }
}
