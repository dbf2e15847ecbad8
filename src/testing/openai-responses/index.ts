export {
  encodeResponsesReply,
  type ResponsesStreamEvent,
  responsesUsage,
} from "./encode-responses-stream.js";
export { openaiResponsesRoute, responsesErrorBody } from "./responses-route.js";
