import type { AgentEvent, ArkyError } from "../../protocol/index.js";
import type { ReadOptions } from "../../session/index.js";
import type { PostgresListener } from "./postgres-listener.js";

/** What a live tail needs from its store. */
export interface TailSource {
  listener: PostgresListener;
  read(sessionId: string, options: ReadOptions): AsyncIterable<AgentEvent>;
}

/**
 * Yields the stored events after `afterSeq`, then waits for NOTIFYs of the session and
 * reads what they announce, until `signal` aborts. The subscription starts before the
 * first read, so no append between the two is missed.
 */
export async function* tailSession(
  source: TailSource,
  sessionId: string,
  options: { afterSeq?: number; signal?: AbortSignal },
): AsyncIterable<AgentEvent> {
  const { signal } = options;
  let cursor = options.afterSeq ?? 0;
  let pending = true;
  let failure: ArkyError | undefined;
  let wake: (() => void) | undefined;
  const unsubscribe = await source.listener.subscribe(sessionId, {
    onNotify: (lastSeq) => {
      if (lastSeq <= cursor) return;
      pending = true;
      wake?.();
    },
    onError: (error) => {
      failure = error;
      wake?.();
    },
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    while (!signal?.aborted) {
      if (failure) throw failure;
      if (pending) {
        pending = false;
        for await (const event of source.read(sessionId, { afterSeq: cursor })) {
          yield event;
          cursor = event.seq;
          if (signal?.aborted) return;
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener("abort", onAbort);
  }
}
