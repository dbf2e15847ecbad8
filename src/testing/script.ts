/**
 * The script format of Arky's scripted model: what each model call answers. One format
 * drives the HTTP server (Anthropic Messages API; OpenAI Responses API) and the
 * in-process scripted provider, so a test can move between them.
 */

/** A block of a scripted answer. */
export type ScriptedBlock =
  | {
      type: "text";
      text: string;
      /** Split the text into this many deltas (default: one delta per ~16 characters). */
      chunks?: number;
    }
  | { type: "thinking"; thinking: string; signature?: string; chunks?: number }
  | {
      type: "tool-use";
      name: string;
      input: unknown;
      /** Default: a generated `toolu_…` id. */
      id?: string;
      /** Split the input JSON into this many deltas (default 2). */
      chunks?: number;
      /**
       * Stream this text as the input JSON instead of `JSON.stringify(input)`, e.g. a
       * broken JSON for malformed-input tests (HTTP server only).
       */
      inputJson?: string;
    };

/** A normal answer. */
export interface ScriptedReply {
  kind?: "reply";
  content: ScriptedBlock[];
  /** Provider stop reason (default `tool_use` when there is a tool-use block, else `end_turn`). */
  stopReason?: string;
  usage?: {
    inputTokens?: number;
    outputTokens?: number;
    cacheReadInputTokens?: number;
    cacheCreationInputTokens?: number;
  };
  /** Model id to report (default: the request's). */
  model?: string;
  /** Wait this long before the response headers. */
  delayMs?: number;
  /** Wait this long between stream events. */
  chunkDelayMs?: number;
}

/** An HTTP error response. */
export interface ScriptedHttpError {
  kind: "http-error";
  status: number;
  /** Provider error type, e.g. `overloaded_error`, `rate_limit_error` (default: from the status). */
  errorType?: string;
  message?: string;
  /** `retry-after` header value in seconds. */
  retryAfterSeconds?: number;
  delayMs?: number;
}

/**
 * A broken stream:
 * - `malformed-json`: a data line that is not JSON, after a few valid events;
 * - `truncated`: the stream ends after a few text deltas, without its terminal events;
 * - `stream-error`: an in-stream `error` event (`errorType`, default `overloaded_error`);
 * - `reset`: the connection is destroyed mid-stream;
 * - `hang`: headers are sent, then nothing until the client gives up.
 */
export interface ScriptedFault {
  kind: "fault";
  fault: "malformed-json" | "truncated" | "stream-error" | "reset" | "hang";
  errorType?: string;
  /** Text streamed before the fault (default "partial "). */
  textBefore?: string;
  delayMs?: number;
}

/** What one model call answers. */
export type ScriptStep = ScriptedReply | ScriptedHttpError | ScriptedFault;

/**
 * A script: a list of steps taken in order, one per model call, or a function that
 * picks the answer from the request (for long or generated conversations).
 */
export type Script = ScriptStep[] | ((request: RecordedRequest, index: number) => ScriptStep);

/** A request the scripted model received, for assertions. */
export interface RecordedRequest {
  /** Which API was called. */
  api: "anthropic-messages" | "anthropic-count-tokens" | "openai-responses";
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body. */
  body: unknown;
  /** Whether the client asked for a stream. */
  stream: boolean;
  receivedAt: number;
}

/** Shorthand for a text answer. */
export function textReply(text: string, options: Omit<ScriptedReply, "content"> = {}): ScriptedReply {
  return { ...options, content: [{ type: "text", text }] };
}

/** Shorthand for a tool call (optionally after some text). */
export function toolCallReply(
  name: string,
  input: unknown,
  options: Omit<ScriptedReply, "content"> & { text?: string; id?: string } = {},
): ScriptedReply {
  const { text, id, ...rest } = options;
  const content: ScriptedBlock[] = [];
  if (text) content.push({ type: "text", text });
  content.push({ type: "tool-use", name, input, ...(id ? { id } : {}) });
  return { ...rest, content };
}
