import { classifyHttpError, type HttpErrorInput } from "../../protocol/index.js";
import { ANTHROPIC_HINTS, malformedResponse } from "./anthropic-error.js";
import { type SseEvent, SseParser } from "./sse-parser.js";

/**
 * Reads a Messages API SSE body into batches of parsed event payloads, one batch per
 * network chunk. Batching keeps the per-event cost to a JSON parse: the consumer loops
 * over a batch synchronously instead of awaiting each event. `ping` events are skipped;
 * an `error` event is thrown as a classified ArkyError, unparseable data as
 * `malformed-response`.
 */
export async function* readAnthropicSse(
  body: AsyncIterable<Uint8Array>,
  headers?: HttpErrorInput["headers"],
): AsyncGenerator<unknown[]> {
  let batch: unknown[] = [];
  let failure: unknown;
  const parser = new SseParser((event: SseEvent) => {
    if (failure !== undefined || event.event === "ping") return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      failure = malformedResponse(`unparseable ${event.event ?? "message"} event data`, error);
      return;
    }
    if (event.event === "error")
      failure = classifyHttpError({ body: data, headers, provider: "anthropic", hints: ANTHROPIC_HINTS });
    else batch.push(data);
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    // Events parsed before a failure are still delivered, then the failure.
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield ready;
    }
    if (failure !== undefined) throw failure;
  }
  parser.feed(decoder.decode());
  parser.end();
  if (batch.length > 0) yield batch;
  if (failure !== undefined) throw failure;
}
