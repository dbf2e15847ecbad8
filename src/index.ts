/**
 * `arky`: the Agent, the native loop, the event model, tools, permissions, hooks and
 * sessions. Runtimes and stores live in their own subpaths (`arky/anthropic`,
 * `arky/claude-code`, `arky/sqlite`, …) so this entry stays light and free of subprocess,
 * database and server code; helpers for writing a store or a runtime are in `arky/kit`.
 *
 * Every name here is chosen on purpose: a new export is a decision (docs/api.md and the
 * pinned list in test/architecture/public-api.test.ts change with it).
 */

// The Agent and the native runtime.
export { Agent } from "./core/agent.js";
export type {
  AgentEventListener,
  AgentInput,
  AgentOptions,
  AgentResult,
  AgentStream,
  TurnOptions,
} from "./core/agent-types.js";
export { type NativeRuntimeOptions, native } from "./core/native-runtime.js";
// Hooks.
export { HookChain, type HookChainOptions } from "./hooks/hook-chain.js";
export type {
  AfterToolCallContext,
  AfterToolCallResult,
  BeforeToolCallContext,
  BeforeToolCallResult,
  HookContextBase,
  HookEventName,
  HookFailureMode,
  Hooks,
  SessionEndContext,
  SessionStartContext,
  SessionStartResult,
  StopContext,
  StopResult,
  UserPromptSubmitContext,
  UserPromptSubmitResult,
} from "./hooks/types.js";
// Permissions.
export type { CanUseTool, CanUseToolContext, PermissionResult } from "./permissions/can-use-tool.js";
export {
  type CreateToolCallGuardOptions,
  createToolCallGuard,
  type PermissionGuard,
  type PermissionOptions,
} from "./permissions/create-guard.js";
export {
  type AfterToolCallOutcome,
  allowAllGuard,
  type BeforeToolCallOutcome,
  type GuardedToolCall,
  type ToolCallGuard,
} from "./permissions/guard.js";
export { isPermissionMode, PERMISSION_MODES, type PermissionMode } from "./permissions/mode.js";
// Messages and content.
export {
  type AssistantContent,
  type AssistantMessage,
  type ContentBlock,
  type ImageBlock,
  type ImageMediaType,
  type ImageSource,
  type Message,
  type PromptInput,
  type RedactedThinkingBlock,
  type TextBlock,
  type ThinkingBlock,
  type ToolResultBlock,
  type ToolUseBlock,
  textOf,
  type UserContent,
  type UserMessage,
} from "./protocol/content.js";
// Errors.
export { ERROR_CODES, type ErrorCode, isErrorCode } from "./protocol/error-codes.js";
export { ArkyError, type ArkyErrorOptions, type SerializedError } from "./protocol/errors.js";
// Events.
export {
  type AgentEvent,
  type AgentEventBody,
  type AgentEventBodyOf,
  type AgentEventOf,
  type AgentEventType,
  EVENT_SCHEMA_VERSION,
  type EventEnvelope,
  type MessageDelta,
  type PermissionDecisionSource,
} from "./protocol/events.js";
export { CLAUDE_PRICES, type ModelPrice } from "./protocol/pricing.js";
export type { StopReason, UnifiedStopReason } from "./protocol/stop-reason.js";
export type { Usage } from "./protocol/usage.js";
// What a runtime is (writing one: `arky/kit`).
export type { ModelProvider, ThinkingOptions } from "./provider/model-provider.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./provider/retry.js";
export type { AgentRuntime } from "./provider/runtime.js";
// Sessions.
export {
  type ExportedEventLine,
  exportSessionJsonl,
  exportSessionMarkdown,
  type MarkdownExportOptions,
} from "./session/export.js";
export { InMemorySessionStore } from "./session/in-memory-store.js";
export type {
  ListOptions,
  ReadOptions,
  SessionMetadata,
  SessionMetadataInput,
  SessionStore,
  TailOptions,
} from "./session/store.js";
// Tools.
export { ToolRegistry, type ToolRegistryOptions, type ToolSpec } from "./tools/registry.js";
export { type ToolOptions, tool } from "./tools/tool.js";
export type {
  JsonSchema,
  Tool,
  ToolExecuteContext,
  ToolOutput,
  ToolResult,
  ToolResultContent,
} from "./tools/types.js";
