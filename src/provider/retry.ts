import type { ArkyError } from "../protocol/index.js";

/** How failed model calls are retried. */
export interface RetryPolicy {
  /** Total attempts including the first (default 4). 1 disables retries. */
  maxAttempts: number;
  /** Delay before the first retry, in milliseconds (default 1000). */
  initialDelayMs: number;
  /** Upper bound of any delay, including a server's `retry-after` (default 60 000). */
  maxDelayMs: number;
  /** Growth factor per attempt (default 2). */
  factor: number;
  /** Fraction of the delay randomised, 0..1 (default 0.25). */
  jitter: number;
}

/** The default retry policy. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 4,
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  factor: 2,
  jitter: 0.25,
};

/** Fills a partial policy with defaults and checks it. */
export function resolveRetryPolicy(policy: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...policy };
  p.maxAttempts = Math.max(1, Math.floor(p.maxAttempts));
  p.jitter = Math.min(1, Math.max(0, p.jitter));
  return p;
}

/**
 * The delay before retrying after `error` on attempt number `attempt` (1 = the first
 * attempt failed), or `undefined` when it must not be retried: the error is not
 * retryable or the attempts are used up. A server's `retry-after` wins over the backoff
 * (capped at `maxDelayMs`). Decided from the error's fields, never its message.
 */
export function retryDelay(
  error: ArkyError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable || attempt >= policy.maxAttempts) return undefined;
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxDelayMs);
  const base = Math.min(policy.initialDelayMs * policy.factor ** (attempt - 1), policy.maxDelayMs);
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
