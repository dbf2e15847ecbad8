import type { ServerResponse } from "node:http";
import { z } from "zod";
import { type ScriptedRoute, type ScriptedRouteContext, sendJson, untilAborted } from "../route.js";
import type { ScriptedFault, ScriptedHttpError, ScriptedReply } from "../script.js";
import { retryAfterHeaders } from "../script-helpers.js";
import { splitText } from "../split.js";
import { delay, rawSseFrame, SseWriter, sseFrame } from "../sse.js";
import { newMessageId, type ReplyContext, replyMessage, resolveReply } from "./encode-reply.js";
import { messageStartFrame, replyFrames, textBlockFrames } from "./encode-stream.js";
import { anthropicErrorBody, anthropicErrorStatus, anthropicErrorType } from "./error-types.js";

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
};

// Only what the server reads; every other field (system, tools, role:"system" messages…) is tolerated.
const messagesBodySchema = z.looseObject({ model: z.string().optional(), stream: z.boolean().optional() });

function readBody(body: unknown) {
  const parsed = messagesBodySchema.safeParse(body);
  return parsed.success ? parsed.data : {};
}

/** Sends an Anthropic-format error response. */
export function sendAnthropicError(
  res: ServerResponse,
  status: number,
  type: string,
  message?: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, anthropicErrorBody(type, message), headers);
}

/** `POST /v1/messages` (with or without `?beta=true`): streaming SSE or a JSON message. */
export const anthropicMessagesRoute: ScriptedRoute = {
  api: "anthropic-messages",
  method: "POST",
  path: "/v1/messages",
  takesStep: true,
  isStream: (body) => readBody(body).stream === true,
  sendError: (res, status, type, message) => sendAnthropicError(res, status, type, message),
  async handle(context) {
    const step = context.step;
    if (!step) return sendAnthropicError(context.res, 500, "api_error", "No script step for this request.");
    await delay(step.delayMs ?? 0, context.signal);
    if (context.signal.aborted) return;
    if (step.kind === "http-error") return sendHttpError(context, step);
    if (step.kind === "fault") return sendFault(context, step);
    return sendReply(context, step);
  },
};

function sendHttpError(context: ScriptedRouteContext, step: ScriptedHttpError): void {
  const type = step.errorType ?? anthropicErrorType(step.status);
  sendAnthropicError(context.res, step.status, type, step.message, retryAfterHeaders(step));
}

function replyContext(context: ScriptedRouteContext): ReplyContext {
  return { requestModel: readBody(context.request.body).model, bodyLength: context.bodyLength };
}

async function sendReply(context: ScriptedRouteContext, step: ScriptedReply): Promise<void> {
  const reply = resolveReply(step, replyContext(context));
  if (!context.request.stream) return sendJson(context.res, 200, replyMessage(reply));
  context.res.writeHead(200, SSE_HEADERS);
  const writer = new SseWriter(context.res, { frameDelayMs: step.chunkDelayMs, signal: context.signal });
  for (const frame of replyFrames(reply)) {
    const wait = writer.write(frame);
    if (wait) await wait;
    if (context.signal.aborted) return;
  }
  writer.end();
}

async function sendFault(context: ScriptedRouteContext, step: ScriptedFault): Promise<void> {
  const { res, signal } = context;
  if (step.fault === "hang") {
    if (context.request.stream) {
      res.writeHead(200, SSE_HEADERS);
      res.flushHeaders();
    }
    return untilAborted(signal);
  }
  if (!context.request.stream) return sendNonStreamingFault(context, step);

  const usage = {
    input_tokens: 1,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  const model = replyContext(context).requestModel ?? "claude-scripted";
  const textBefore = step.textBefore ?? "partial ";
  res.writeHead(200, SSE_HEADERS);
  const writer = new SseWriter(res, { signal });
  writer.write(messageStartFrame({ id: newMessageId(), model, usage }));
  const pieces = splitText(textBefore, Math.max(1, Math.ceil(textBefore.length / 16)));
  for (const frame of textBlockFrames(0, pieces, true)) writer.write(frame);

  switch (step.fault) {
    case "malformed-json":
      writer.write(rawSseFrame("content_block_delta", '{"type":"content_block_delta","index":0,"delta":{'));
      return writer.end();
    case "truncated":
      return writer.end();
    case "stream-error": {
      const type = step.errorType ?? "overloaded_error";
      writer.write(sseFrame("error", anthropicErrorBody(type)));
      return writer.end();
    }
    case "reset":
      await writer.flushToSocket();
      res.socket?.destroy();
      return;
  }
}

function sendNonStreamingFault(context: ScriptedRouteContext, step: ScriptedFault): void {
  const { res } = context;
  switch (step.fault) {
    case "malformed-json":
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id":"msg_broken","type":"message","content":[{');
      return;
    case "truncated": {
      const reply = resolveReply(
        { content: [{ type: "text", text: step.textBefore ?? "partial " }] },
        replyContext(context),
      );
      const text = JSON.stringify(replyMessage(reply));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    case "stream-error": {
      const type = step.errorType ?? "overloaded_error";
      sendAnthropicError(res, anthropicErrorStatus(type), type);
      return;
    }
    case "reset":
      res.socket?.destroy();
      return;
    case "hang":
      return;
  }
}
