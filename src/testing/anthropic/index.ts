import type { ScriptedRoute } from "../route.js";
import { anthropicCountTokensRoute } from "./count-tokens-route.js";
import { anthropicMessagesRoute } from "./messages-route.js";

export { anthropicCountTokensRoute } from "./count-tokens-route.js";
export { anthropicErrorBody, anthropicErrorStatus, anthropicErrorType } from "./error-types.js";
export { anthropicMessagesRoute, sendAnthropicError } from "./messages-route.js";

/** The Anthropic Messages API routes of the scripted server. */
export const anthropicRoutes: readonly ScriptedRoute[] = [anthropicMessagesRoute, anthropicCountTokensRoute];
