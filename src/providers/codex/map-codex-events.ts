import {
  type AgentEventBody,
  ArkyError,
  addUsage,
  type CorrectionHints,
  cancelledError,
  computeCost,
  emptyUsage,
  serializeError,
  stopReason,
  type UnifiedStopReason,
} from "../../protocol/index.js";

import { failedTurnEnd } from "../../provider/index.js";

export { CODEX_TOOL_NAMES, codexUsage } from "./codex-items.js";

import { classifyCodexTurnError } from "./codex-errors.js";
import { codexUsage, describeToolItem, toolResult, toolUseMessage } from "./codex-items.js";
import {
  type CodexItem,
  type CodexTokenBreakdown,
  type CodexTurnNotification,
  deltaNotificationSchema,
  errorNotificationSchema,
  itemNotificationSchema,
  progressNotificationSchema,
  tokenUsageNotificationSchema,
} from "./codex-messages.js";

/** Options of {@link CodexTurnMapper}. */
export interface CodexTurnMapperOptions {
  model: string | undefined;
  /**
   * The MCP server name of Arky's own tool bridge: its calls are reported by the bridge
   * (which runs them), so the mapper skips Codex's items for them.
   */
  bridgeServer?: string;
  /** The session's working folder: a command's `cwd` is left out of its input when it is this one. */
  cwd?: string;
  /** What the runtime offers to fix a failed model call, for the errors' corrections. */
  errorHints?: CorrectionHints;
  /** Clock, for durations (default `performance.now`). */
  now?: () => number;
}

interface OpenMessage {
  kind: "text" | "thinking";
  text: string;
}

interface OpenTool {
  toolName: string;
  input: unknown;
  startedAt: number;
  /** Whether `tool-execution-start` was emitted (after an approval, or at first output). */
  started: boolean;
  output: string;
}

/**
 * Turns the notifications of one Codex turn into Arky events (pure state, no I/O):
 * agent messages and reasoning summaries become messages, command executions, file
 * changes and MCP calls become tool executions (each preceded by an assistant message
 * holding its tool-use block, so the rebuilt conversation pairs calls and results), token
 * usage becomes `usage`. {@link complete} closes whatever Codex left open.
 */
export class CodexTurnMapper {
  readonly #options: CodexTurnMapperOptions;
  readonly #now: () => number;
  readonly #started: number;
  readonly #messages = new Map<string, OpenMessage>();
  readonly #tools = new Map<string, OpenTool>();
  #usage = emptyUsage();
  #modelCalls = 0;
  #finished = false;
  #lastError: ArkyError | undefined;

  constructor(options: CodexTurnMapperOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  /** Whether the turn-end was produced. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The tool a Codex item id belongs to, if it is open. */
  openTool(itemId: string): { toolName: string; input: unknown } | undefined {
    return this.#tools.get(itemId);
  }

  /** The session's working folder, as given in the options. */
  get cwd(): string | undefined {
    return this.#options.cwd;
  }

  /** Maps one notification of this turn. Unknown methods map to nothing. */
  map(method: string, params: unknown): AgentEventBody[] {
    if (this.#finished) return [];
    switch (method) {
      case "item/started":
        return this.#itemStarted(itemNotificationSchema.parse(params).item);
      case "item/completed":
        return this.#itemCompleted(itemNotificationSchema.parse(params).item);
      case "item/agentMessage/delta":
        return this.#delta(deltaNotificationSchema.parse(params), "text");
      case "item/reasoning/summaryTextDelta":
      case "item/reasoning/textDelta":
        return this.#delta(deltaNotificationSchema.parse(params), "thinking");
      case "item/commandExecution/outputDelta":
      case "item/fileChange/outputDelta": {
        const { itemId, delta } = deltaNotificationSchema.parse(params);
        return this.#toolUpdate(itemId, delta);
      }
      case "item/mcpToolCall/progress": {
        const { itemId, message } = progressNotificationSchema.parse(params);
        return this.#toolUpdate(itemId, message);
      }
      case "thread/tokenUsage/updated":
        return this.#tokenUsage(tokenUsageNotificationSchema.parse(params).tokenUsage.last);
      case "error":
        return this.#error(errorNotificationSchema.parse(params));
      default:
        return [];
    }
  }

  /** Emits `tool-execution-start` for an open tool once it is known to run (approved or producing output). */
  startTool(itemId: string): AgentEventBody[] {
    const tool = this.#tools.get(itemId);
    if (!tool || tool.started) return [];
    tool.started = true;
    return [{ type: "tool-execution-start", toolCallId: itemId, toolName: tool.toolName, input: tool.input }];
  }

  /** Ends the turn from `turn/completed`: closes open items, then `error` (if failed) and `turn-end`. */
  complete(turn: CodexTurnNotification["turn"]): AgentEventBody[] {
    const status = turn.status;
    if (status === "completed") return this.#finish("end-turn", status);
    if (status === "interrupted") return this.#finish("cancelled", status);
    const error =
      (turn.error ? classifyCodexTurnError(turn.error, this.#options.errorHints) : this.#lastError) ??
      new ArkyError({ code: "unknown", message: `Codex ended the turn with status "${status}".` });
    return this.#finish("error", status, error);
  }

  /** Ends the turn without `turn/completed` (the process died, the caller cancelled). */
  abort(unified: "cancelled" | "error", error?: ArkyError): AgentEventBody[] {
    return this.#finish(unified, undefined, error);
  }

  #itemStarted(item: CodexItem): AgentEventBody[] {
    if (item.type === "agentMessage" || item.type === "reasoning") {
      if (this.#messages.has(item.id)) return [];
      this.#messages.set(item.id, { kind: item.type === "agentMessage" ? "text" : "thinking", text: "" });
      return [{ type: "message-start", messageId: item.id, role: "assistant", model: this.#options.model }];
    }
    if (item.type === "mcpToolCall" && item.server === this.#options.bridgeServer) return [];
    const tool = describeToolItem(item, this.#options.cwd);
    if (!tool || this.#tools.has(item.id)) return [];
    this.#tools.set(item.id, { ...tool, startedAt: this.#now(), started: false, output: "" });
    return toolUseMessage(item.id, tool.toolName, tool.input, this.#options.model);
  }

  #delta({ itemId, delta }: { itemId: string; delta: string }, kind: "text" | "thinking"): AgentEventBody[] {
    const events: AgentEventBody[] = [];
    let open = this.#messages.get(itemId);
    if (!open) {
      open = { kind, text: "" };
      this.#messages.set(itemId, open);
      events.push({
        type: "message-start",
        messageId: itemId,
        role: "assistant",
        model: this.#options.model,
      });
    }
    open.text += delta;
    events.push({ type: "message-delta", messageId: itemId, delta: { kind, index: 0, text: delta } });
    return events;
  }

  #itemCompleted(item: CodexItem): AgentEventBody[] {
    if (item.type === "agentMessage" || item.type === "reasoning") {
      const events = this.#messages.has(item.id) ? [] : this.#itemStarted(item);
      const open = this.#messages.get(item.id);
      if (!open) return events;
      const finalText =
        item.type === "agentMessage"
          ? (item.text ?? open.text)
          : (item.summary ?? []).join("\n\n") || open.text;
      if (open.text === "" && finalText !== "")
        events.push({
          type: "message-delta",
          messageId: item.id,
          delta: { kind: open.kind, index: 0, text: finalText },
        });
      open.text = finalText;
      events.push(this.#messageEnd(item.id, open, stopReason("end-turn")));
      return events;
    }
    if (item.type === "mcpToolCall" && item.server === this.#options.bridgeServer) return [];
    const events = this.#tools.has(item.id) ? [] : this.#itemStarted(item);
    const tool = this.#tools.get(item.id);
    if (!tool) return events;
    if (item.status !== "declined") events.push(...this.startTool(item.id));
    this.#tools.delete(item.id);
    const result = toolResult(item, tool.output);
    const denied =
      item.status === "declined"
        ? {
            error: serializeError(
              new ArkyError({ code: "tool-denied", message: `${tool.toolName} was declined.` }),
            ),
          }
        : {};
    events.push({
      type: "tool-execution-end",
      toolCallId: item.id,
      toolName: tool.toolName,
      result,
      durationMs: item.durationMs ?? this.#now() - tool.startedAt,
      ...denied,
    });
    return events;
  }

  #messageEnd(messageId: string, open: OpenMessage, reason: ReturnType<typeof stopReason>): AgentEventBody {
    this.#messages.delete(messageId);
    const content =
      open.text === ""
        ? []
        : open.kind === "text"
          ? [{ type: "text" as const, text: open.text }]
          : [{ type: "thinking" as const, thinking: open.text }];
    return {
      type: "message-end",
      messageId,
      message: { role: "assistant", content },
      stopReason: reason,
      usage: emptyUsage(),
      model: this.#options.model,
    };
  }

  #toolUpdate(itemId: string, update: string): AgentEventBody[] {
    const tool = this.#tools.get(itemId);
    if (!tool) return [];
    tool.output += update;
    return [
      ...this.startTool(itemId),
      { type: "tool-execution-update", toolCallId: itemId, toolName: tool.toolName, update },
    ];
  }

  #tokenUsage(last: CodexTokenBreakdown): AgentEventBody[] {
    const usage = codexUsage(last);
    this.#usage = addUsage(this.#usage, usage);
    this.#modelCalls++;
    const model = this.#options.model ?? "unknown";
    return [{ type: "usage", model, usage, costUsd: computeCost(model, usage) }];
  }

  #error(params: { willRetry: boolean; error: { message: string } }): AgentEventBody[] {
    const error = classifyCodexTurnError(params.error, this.#options.errorHints);
    if (!params.willRetry) {
      this.#lastError = error;
      return [];
    }
    // A retry restarts the model response under new item ids; the old partial messages never complete.
    const events: AgentEventBody[] = [];
    for (const [id, open] of this.#messages)
      events.push(this.#messageEnd(id, { ...open, text: "" }, stopReason("error", "retried")));
    const match = /(\d+)\s*\/\s*(\d+)/.exec(params.error.message);
    events.push({
      type: "retry",
      attempt: match ? Number(match[1]) : 1,
      maxAttempts: match ? Number(match[2]) : 1,
      delayMs: 0,
      error: serializeError(error),
    });
    return events;
  }

  #finish(unified: UnifiedStopReason, raw: string | undefined, error?: ArkyError): AgentEventBody[] {
    if (this.#finished) return [];
    this.#finished = true;
    const events: AgentEventBody[] = [];
    for (const [id, open] of [...this.#messages])
      events.push(this.#messageEnd(id, open, stopReason(unified, raw)));
    for (const [id, tool] of [...this.#tools]) {
      this.#tools.delete(id);
      events.push({
        type: "tool-execution-end",
        toolCallId: id,
        toolName: tool.toolName,
        result: {
          type: "tool-result",
          toolUseId: id,
          content: [{ type: "text", text: "The tool call was interrupted before it returned a result." }],
          isError: true,
        },
        durationMs: this.#now() - tool.startedAt,
        error: serializeError(error ?? cancelledError()),
      });
    }
    const soFar = {
      usage: this.#usage,
      costUsd: computeCost(this.#options.model ?? "unknown", this.#usage),
      durationMs: this.#now() - this.#started,
      modelCalls: this.#modelCalls,
    };
    if (error || unified === "cancelled")
      events.push(...failedTurnEnd(error ?? cancelledError(), { ...soFar, raw }));
    else events.push({ type: "turn-end", stopReason: stopReason(unified, raw), ...soFar });
    return events;
  }
}
