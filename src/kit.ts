/**
 * `arky/kit`: helpers for people who write their own session store or runtime. The
 * stores and runtimes Arky ships are built on the same pieces. Light like the root entry:
 * no subprocess, database, server or zod module is loaded.
 *
 * A new export is a decision: docs/api.md and the pinned list in
 * test/architecture/public-api.test.ts change with it.
 */

// Stores batch up to a checkpoint.
export { isCheckpointEvent } from "./core/session-writer.js";
// Protocol helpers: error classification and its plain-data form, ids, usage and cost.
export {
  type CorrectionHints,
  classifyHttpError,
  type HttpErrorInput,
  parseRetryAfter,
} from "./protocol/classify-http-error.js";
export { toUserMessage } from "./protocol/content.js";
export {
  cancelledError,
  deserializeError,
  isAbortError,
  serializeError,
  toArkyError,
} from "./protocol/errors.js";
export { isDeltaEvent } from "./protocol/events.js";
export { newId, newSessionId } from "./protocol/ids.js";
export { computeCost, findModelPrice } from "./protocol/pricing.js";
export { stopReason } from "./protocol/stop-reason.js";
export { addUsage, emptyUsage } from "./protocol/usage.js";
// The turn kit: runtimes push event bodies through an EventQueue, order their work on a
// WorkChain and end a failed or cancelled turn with failedTurnEnd.
export { EventQueue } from "./provider/event-queue.js";
// The runtime contract.
export type {
  ModelCallOptions,
  ModelProvider,
  ModelRequest,
  ModelStreamEvent,
  ThinkingOptions,
} from "./provider/model-provider.js";
export { resolveRetryPolicy, retryDelay } from "./provider/retry.js";
export type { AgentRuntime, TurnRequest } from "./provider/runtime.js";
export { failedTurnEnd, WorkChain } from "./provider/turn-kit.js";
// Session stores: the shared rules every store follows.
export {
  applyMetadataPatch,
  assertAppendable,
  carriesMetadata,
  foldEvents,
  forkPoint,
  newMetadata,
  sessionNotFound,
} from "./session/metadata.js";
export { appendColumnValues, type MetadataColumns, metadataFromColumns } from "./session/metadata-columns.js";
export { ConversationBuilder, rebuildMessages } from "./session/rebuild-messages.js";
