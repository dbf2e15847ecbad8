import { findDescendants, killDescendants } from "./descendants.js";
import { unwatchGroup, watchGroup } from "./host-watchdog.js";

const live = new Set<number>();
let hooked = false;

/**
 * Sends a signal to a child's whole process group (the child is spawned `detached`, so it
 * leads its own group and its grandchildren share it). Signal 0 only asks whether the group
 * still exists. Returns false when nothing was left to signal.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    if (process.platform === "win32") process.kill(pid, signal);
    else process.kill(-pid, signal);
    return true;
  } catch {
    // ESRCH: the group is already gone, which is what the caller wants.
    return false;
  }
}

/**
 * Remembers a live process group so that it is killed if the host exits without closing
 * it (a crash, `process.exit()` or a script that ends without `close()` must not leave
 * orphans behind), and hands it to the host's watchdog for the deaths that run no
 * JavaScript (SIGKILL, SIGTERM): see {@link watchGroup}.
 */
export function trackGroup(pid: number): void {
  live.add(pid);
  watchGroup(pid);
  if (!hooked) {
    hooked = true;
    // Synchronous, as an exit handler must be: no grace, the groups and whatever left them go.
    process.once("exit", () => {
      for (const group of live) {
        const escaped = findDescendants(group).filter((d) => d.pgid !== group);
        signalGroup(group, "SIGKILL");
        killDescendants(escaped);
      }
    });
  }
}

/** Forgets a group that is fully gone. */
export function untrackGroup(pid: number): void {
  live.delete(pid);
  unwatchGroup(pid);
}

/** Options of {@link stopProcessGroup}. */
export interface StopOptions {
  /** How long each step may take before the next one (default 2000 ms). */
  graceMs?: number;
  /**
   * Settles once the process has exited. Without it, "gone" means the whole group is empty
   * (polled), which is what a shell with background children needs.
   */
  exited?: Promise<unknown>;
  /** Step 1: ask the process to stop its work (a CLI's interrupt); awaited up to `graceMs`. */
  interrupt?: () => Promise<unknown>;
  /** Step 2: close the process's stdin, then wait up to `graceMs` for it to go. */
  closeInput?: () => void;
}

/**
 * The one teardown of a detached child and everything it started: (interrupt →) (stdin
 * close →) SIGTERM to the group → SIGKILL to the group, each step given `graceMs`.
 * Descendants that left the group (a CLI's tool shells in their own session) are found
 * first by ancestry and killed at the end — only if they are still the same processes,
 * so a reused pid is never hit. Resolves when the process is gone or SIGKILL was sent.
 */
export async function stopProcessGroup(pid: number, options: StopOptions = {}): Promise<void> {
  const graceMs = options.graceMs ?? 2000;
  // Only a live leader has anything hanging under it; skip the /proc scan otherwise.
  const found = isRunning(pid) ? findDescendants(pid) : [];
  const { exited } = options;
  const goneWithin = (ms: number) => (exited ? settlesWithin(exited, ms) : groupGoneWithin(pid, ms));
  try {
    if (options.interrupt) {
      await settlesWithin(
        options.interrupt().catch(() => undefined), // a refused interrupt: the next steps still end it
        graceMs,
      );
    }
    if (options.closeInput) {
      options.closeInput();
      if (await goneWithin(graceMs)) return;
    }
    if (!signalGroup(pid, "SIGTERM") && !exited) return;
    if (await goneWithin(graceMs)) return;
    signalGroup(pid, "SIGKILL");
    if (exited) await exited;
  } finally {
    killDescendants(found);
  }
}

/** What {@link stopGroupOn} saw; `done()` disarms it once the child has ended. */
export interface GroupWatch {
  readonly timedOut: boolean;
  readonly aborted: boolean;
  done(): void;
}

/**
 * Stops a detached child's group ({@link stopProcessGroup}) when `timeoutMs` passes or
 * `signal` aborts, whichever comes first, and records which one it was.
 */
export function stopGroupOn(
  pid: number | undefined,
  options: { timeoutMs: number; signal: AbortSignal; graceMs?: number },
): GroupWatch {
  const state = { timedOut: false, aborted: false };
  const stop = (reason: "timedOut" | "aborted") => {
    state[reason] = true;
    if (pid !== undefined) void stopProcessGroup(pid, { graceMs: options.graceMs });
  };
  const timer = setTimeout(() => stop("timedOut"), options.timeoutMs);
  const onAbort = () => stop("aborted");
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener("abort", onAbort, { once: true });
  return {
    get timedOut() {
      return state.timedOut;
    },
    get aborted() {
      return state.aborted;
    },
    done: () => {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
    },
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: the leader has exited (its group may live on).
    return false;
  }
}

async function groupGoneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!signalGroup(pid, 0)) return true;
  }
  return false;
}

/** Whether `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
