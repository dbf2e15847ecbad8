/**
 * `arky/testing`: the scripted model server (a real HTTP server speaking model APIs
 * from a script) and the script format it shares with the in-process scripted provider.
 * The route helpers (`sendJson`, `SseWriter`, …) are for extra `routes`.
 */

export {
  type ScriptedRoute,
  type ScriptedRouteContext,
  sendJson,
  untilAborted,
} from "./route.js";
export {
  type RecordedRequest,
  type Script,
  type ScriptedBlock,
  type ScriptedFault,
  type ScriptedHttpError,
  type ScriptedReply,
  type ScriptStep,
  textReply,
  toolCallReply,
} from "./script.js";
export {
  type ScriptedProvider,
  type ScriptedProviderOptions,
  scriptedProvider,
} from "./scripted-provider.js";
export {
  type ScriptedModelServer,
  type ScriptedModelServerOptions,
  startScriptedModelServer,
} from "./server.js";
export { rawSseFrame, SseWriter, type SseWriterOptions, sseFrame } from "./sse.js";
