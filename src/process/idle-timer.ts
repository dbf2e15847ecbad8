import { ArkyError } from "../protocol/index.js";

/** Longer than a Node timer can wait: treated as no limit. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `onIdle` once when {@link IdleTimer.touch} has not been called for `ms` while
 * nothing holds it paused: the bound on how long a turn waits on a silent child process.
 * Time the host spends itself (a guard asking a human, one of Arky's tools running) is
 * not the child's silence: {@link IdleTimer.pause} stops the count until released.
 * `Infinity` (or a value ≤ 0, or beyond a Node timer's ~24.8 days) never fires. The timer never keeps Node alive.
 */
export class IdleTimer {
  readonly #ms: number;
  readonly #onIdle: () => void;
  #timer: NodeJS.Timeout | undefined;
  #paused = 0;
  #stopped = false;

  constructor(ms: number, onIdle: () => void) {
    this.#ms = ms;
    this.#onIdle = onIdle;
    this.#arm();
  }

  /** The child spoke: start counting again. */
  touch(): void {
    if (this.#timer) this.#timer.refresh();
  }

  /** Stops counting until the returned release is called (from then on, counting starts afresh). */
  pause(): () => void {
    this.#paused++;
    this.#disarm();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#paused === 0) this.#arm();
    };
  }

  /** Disarms it for good. */
  stop(): void {
    this.#stopped = true;
    this.#disarm();
  }

  #arm(): void {
    if (this.#stopped || this.#paused > 0 || !(this.#ms > 0) || this.#ms > MAX_TIMER_MS) return;
    this.#timer = setTimeout(() => {
      this.stop();
      this.#onIdle();
    }, this.#ms);
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The `timeout` error of a child process that went silent mid-turn. */
export function idleTimeoutError(name: string, ms: number, option = "idleTimeoutMs"): ArkyError {
  return new ArkyError({
    code: "timeout",
    message: `${name} sent nothing for ${ms} ms during the turn; the turn was ended.`,
    correction: `Raise \`${option}\` if its work can be silent this long (a long command without output).`,
    details: { idleTimeoutMs: ms },
  });
}
