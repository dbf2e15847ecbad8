import { ArkyError, cancelledError, toArkyError } from "../protocol/index.js";

/** The default per-call hook timeout: 60 seconds, as in Claude Code. */
export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;

/** How one hook call ended. */
export type HookCallOutcome<T> = { ok: true; value: T } | { ok: false; error: ArkyError };

/** Options of {@link callHook}. */
export interface CallHookOptions {
  hookName: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/**
 * Calls a hook with its own timeout, giving it a signal that aborts on the run's
 * cancellation or the timeout. Never throws: a throw, a timeout or a cancellation is
 * returned as a `hook` / `timeout` / `cancelled` ArkyError. A hook that ignores its
 * signal is abandoned; its late result is discarded.
 */
export async function callHook<T>(
  options: CallHookOptions,
  run: (signal: AbortSignal) => T | Promise<T>,
): Promise<HookCallOutcome<T>> {
  const { hookName, timeoutMs, signal } = options;
  if (signal.aborted) return { ok: false, error: cancelledError(signal.reason) };
  const controller = new AbortController();
  let settle: ((outcome: HookCallOutcome<T>) => void) | undefined;
  const interrupted = new Promise<HookCallOutcome<T>>((resolve) => {
    settle = resolve;
  });
  const timer = setTimeout(() => {
    const error = new ArkyError({
      code: "timeout",
      message: `Hook "${hookName}" did not finish within ${timeoutMs} ms.`,
      details: { hook: hookName, timeoutMs },
    });
    controller.abort(error);
    settle?.({ ok: false, error });
  }, timeoutMs);
  const onAbort = () => {
    controller.abort(signal.reason);
    settle?.({ ok: false, error: cancelledError(signal.reason) });
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const attempt = (async (): Promise<HookCallOutcome<T>> => {
      try {
        return { ok: true, value: await run(controller.signal) };
      } catch (error) {
        if (controller.signal.aborted && ArkyError.isArkyError(controller.signal.reason))
          return { ok: false, error: controller.signal.reason };
        const wrapped = toArkyError(error, "hook");
        if (wrapped.code === "cancelled") return { ok: false, error: wrapped };
        return {
          ok: false,
          error: new ArkyError({
            code: "hook",
            message: `Hook "${hookName}" failed: ${wrapped.message}`,
            details: wrapped.details,
            cause: error,
          }),
        };
      }
    })();
    return await Promise.race([attempt, interrupted]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  }
}
