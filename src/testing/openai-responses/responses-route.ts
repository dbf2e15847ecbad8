import type { ServerResponse } from "node:http";
import { type ScriptedRoute, type ScriptedRouteContext, sendJson, untilAborted } from "../route.js";
import type { ScriptedFault, ScriptedHttpError } from "../script.js";
import { retryAfterHeaders } from "../script-helpers.js";
import { defaultTextChunks, splitText } from "../split.js";
import { delay, SseWriter } from "../sse.js";
import { encodeResponsesReply, type ResponsesStreamEvent } from "./encode-responses-stream.js";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  403: "permission_error",
  404: "not_found_error",
  429: "rate_limit_exceeded",
};

const ERROR_CODES: Record<number, string> = { 401: "invalid_api_key", 429: "rate_limit_exceeded" };

/** The JSON body of a scripted HTTP error, in the OpenAI shape `{error:{message,type,code}}`. */
export function responsesErrorBody(step: ScriptedHttpError): Record<string, unknown> {
  return {
    error: {
      message: step.message ?? `Scripted HTTP ${step.status} error.`,
      type:
        step.errorType ??
        ERROR_TYPES[step.status] ??
        (step.status >= 500 ? "server_error" : "invalid_request_error"),
      code: ERROR_CODES[step.status] ?? null,
      param: null,
    },
  };
}

function frame(event: ResponsesStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function modelOf(body: unknown): string {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === "string" ? model : "scripted-model";
}

/**
 * `POST /v1/responses` of the OpenAI Responses API, as Codex calls it (see
 * `protocols/codex.md` §12): each call takes one step and answers with a streamed
 * reply, an HTTP error (with `retry-after` when scripted) or a broken stream.
 */
export const openaiResponsesRoute: ScriptedRoute = {
  api: "openai-responses",
  method: "POST",
  path: "/v1/responses",
  takesStep: true,
  isStream(body) {
    return (body as { stream?: unknown } | null)?.stream === true;
  },
  sendError(res, status, type, message) {
    sendJson(res, status, { error: { message, type, code: null, param: null } });
  },
  async handle(context) {
    const { res, step, signal } = context;
    if (!step) return this.sendError(res, 500, "server_error", "No script step for this call.");
    if (step.delayMs) await delay(step.delayMs, signal);
    if (signal.aborted) return;
    if (step.kind === "http-error")
      return sendJson(res, step.status, responsesErrorBody(step), retryAfterHeaders(step));
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    if (step.kind === "fault") return writeFault(res, step, context);
    const writer = new SseWriter(res, { frameDelayMs: step.chunkDelayMs ?? 0, signal });
    for (const event of encodeResponsesReply(step, modelOf(context.request.body)))
      await writer.write(frame(event));
    writer.end();
  },
};

function faultPrelude(step: ScriptedFault): string {
  const text = step.textBefore ?? "partial ";
  let out = frame({
    type: "response.created",
    response: { id: "resp_fault", status: "in_progress", output: [] },
  });
  out += frame({
    type: "response.output_item.added",
    output_index: 0,
    item: { id: "msg_fault", type: "message", role: "assistant", status: "in_progress", content: [] },
  });
  for (const delta of splitText(text, defaultTextChunks(text)))
    out += frame({
      type: "response.output_text.delta",
      item_id: "msg_fault",
      output_index: 0,
      content_index: 0,
      delta,
    });
  return out;
}

async function writeFault(
  res: ServerResponse,
  step: ScriptedFault,
  context: ScriptedRouteContext,
): Promise<void> {
  const { signal } = context;
  const prelude = faultPrelude(step);
  switch (step.fault) {
    case "malformed-json":
      res.end(`${prelude}event: response.output_text.delta\ndata: {not json\n\n`);
      return;
    case "truncated":
      res.end(prelude);
      return;
    case "stream-error":
      res.end(
        prelude +
          frame({
            type: "response.failed",
            response: {
              id: "resp_fault",
              status: "failed",
              error: { code: step.errorType ?? "server_error", message: "The model failed (scripted)." },
            },
          }),
      );
      return;
    case "reset":
      await new Promise<void>((resolve) => res.write(prelude, () => resolve()));
      await delay(20, signal);
      res.destroy();
      return;
    case "hang":
      res.write(prelude);
      await untilAborted(signal);
      if (!res.destroyed) res.destroy();
      return;
  }
}
