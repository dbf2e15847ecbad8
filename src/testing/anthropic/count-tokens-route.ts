import type { ScriptedRoute } from "../route.js";
import { sendJson } from "../route.js";
import { estimateTokens } from "../split.js";
import { sendAnthropicError } from "./messages-route.js";

/** `POST /v1/messages/count_tokens` → `{input_tokens}`, estimated from the body size. Takes no step. */
export const anthropicCountTokensRoute: ScriptedRoute = {
  api: "anthropic-count-tokens",
  method: "POST",
  path: "/v1/messages/count_tokens",
  takesStep: false,
  isStream: () => false,
  sendError: (res, status, type, message) => sendAnthropicError(res, status, type, message),
  async handle(context) {
    sendJson(context.res, 200, { input_tokens: estimateTokens(context.bodyLength) });
  },
};
