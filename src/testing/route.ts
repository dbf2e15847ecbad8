import type { IncomingMessage, ServerResponse } from "node:http";
import type { RecordedRequest, ScriptStep } from "./script.js";

/** What a route handler gets for one request. */
export interface ScriptedRouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The recorded request (path, headers, parsed body, stream flag). */
  request: RecordedRequest;
  /** Length of the raw request body in characters, for cheap token estimates. */
  bodyLength: number;
  /** The step this call answers; undefined for routes that take none (`count_tokens`). */
  step: ScriptStep | undefined;
  /** Aborted when the client disconnects or the server closes. */
  signal: AbortSignal;
  /** The `request-id` header value already set on the response. */
  requestId: string;
}

/**
 * One endpoint of a model API the scripted server speaks. Each API (Anthropic
 * Messages, OpenAI Responses, …) contributes routes; the server does the HTTP
 * plumbing, recording and step bookkeeping, the route turns a step into wire bytes.
 */
export interface ScriptedRoute {
  /** The API name recorded in {@link RecordedRequest.api}. */
  readonly api: RecordedRequest["api"];
  readonly method: "POST" | "GET";
  /** The path without query string, e.g. `/v1/messages`. */
  readonly path: string;
  /** Whether each call consumes a script step (model calls do; token counting does not). */
  readonly takesStep: boolean;
  /** Whether the parsed body asks for a streamed answer. */
  isStream(body: unknown): boolean;
  /** Answers the request. Must end or destroy the response unless the client left. */
  handle(context: ScriptedRouteContext): Promise<void>;
  /** Sends an error in this API's error body format (script exhausted, bad JSON). */
  sendError(res: ServerResponse, status: number, type: string, message: string): void;
}

/** Sends a JSON response with the given status and extra headers. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Resolves when the signal aborts (client gone or server closed). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
