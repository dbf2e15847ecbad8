import {
  type AssistantContent,
  computeCost,
  emptyUsage,
  fromAnthropicStopReason,
  type MessageDelta,
  type StopReason,
  serializeError,
  type Usage,
} from "../../protocol/index.js";
import { claudeRetryError } from "./claude-code-errors.js";
import type {
  AssistantLine,
  CliLine,
  CliUsage,
  StreamEventLine,
  SystemLine,
  UserLine,
} from "./claude-code-messages.js";
import { fromCliAssistantBlock, fromCliToolResult } from "./convert-claude-code-content.js";
import { attribute, type ClaudeEventBody, type ToolCallTracker } from "./tool-call-tracker.js";

interface MessageInFlight {
  id: string;
  model?: string;
  parent?: string;
  content: AssistantContent[];
  usage: Usage;
  stopReason: StopReason;
  aborted: boolean;
  blocks: Map<number, { type: string; toolCallId?: string; toolName?: string }>;
}

/** A tool result the CLI produced for one of its own tools; the runtime passes it through the guard. */
export interface CliToolResult {
  toolCallId: string;
  result: ReturnType<typeof fromCliToolResult>;
}

/** What one stdout line means for the turn. */
export interface MappedLine {
  events: ClaudeEventBody[];
  toolResults: CliToolResult[];
}

/**
 * Turns the CLI's stdout lines (stream events, assistant and user lines, system notices)
 * into Arky event bodies. One instance per turn; `result` lines are handled by
 * `mapClaudeCodeResult`.
 */
export class ClaudeCodeEventMapper {
  /** The CLI's session id, from the last line that carried one. */
  claudeSessionId: string | undefined;
  model: string | undefined;
  /** Model calls seen in this turn. */
  modelCalls = 0;
  readonly #messages = new Map<string, MessageInFlight>();
  readonly #tracker: ToolCallTracker;

  constructor(tracker: ToolCallTracker) {
    this.#tracker = tracker;
  }

  map(line: CliLine): MappedLine {
    const out: MappedLine = { events: [], toolResults: [] };
    if ("session_id" in line && typeof line.session_id === "string" && line.session_id)
      this.claudeSessionId = line.session_id;
    switch (line.type) {
      case "stream_event":
        this.#streamEvent(line as StreamEventLine, out.events);
        break;
      case "assistant":
        this.#assistant(line as AssistantLine, out.events);
        break;
      case "user":
        this.#user(line as UserLine, out);
        break;
      case "system":
        this.#system(line as SystemLine, out.events);
        break;
      case "tool_progress":
        this.#progress(line as Record<string, unknown>, out.events);
        break;
    }
    return out;
  }

  #streamEvent(line: StreamEventLine, events: ClaudeEventBody[]): void {
    const event = line.event as Record<string, unknown> & { type: string };
    const parent = line.parent_tool_use_id ?? undefined;
    const apiId = (line as { api_message_id?: string }).api_message_id;
    switch (event.type) {
      case "message_start": {
        const message = (event.message ?? {}) as { id?: string; model?: string; usage?: CliUsage };
        const id = message.id ?? apiId ?? `msg_${this.#messages.size}`;
        const flight = this.#open(id, message.model, parent);
        flight.usage = toUsage(message.usage);
        this.#start(flight, events);
        break;
      }
      case "content_block_start": {
        const flight = this.#current(apiId);
        const block = (event.content_block ?? {}) as { type?: string; id?: string; name?: string };
        flight?.blocks.set(Number(event.index), {
          type: String(block.type),
          toolCallId: block.id,
          toolName: block.name,
        });
        break;
      }
      case "content_block_delta": {
        const flight = this.#current(apiId);
        if (!flight) break;
        const index = Number(event.index);
        const delta = (event.delta ?? {}) as Record<string, unknown>;
        let mapped: MessageDelta | undefined;
        if (delta.type === "text_delta") mapped = { kind: "text", index, text: String(delta.text ?? "") };
        else if (delta.type === "thinking_delta")
          mapped = { kind: "thinking", index, text: String(delta.thinking ?? "") };
        else if (delta.type === "input_json_delta") {
          const block = flight.blocks.get(index);
          mapped = {
            kind: "tool-input",
            index,
            toolCallId: block?.toolCallId ?? "",
            toolName: this.#tracker.toolName(block?.toolCallId ?? "", block?.toolName ?? "unknown"),
            partialJson: String(delta.partial_json ?? ""),
          };
        }
        if (mapped)
          events.push(
            attribute({ type: "message-delta", messageId: flight.id, delta: mapped }, flight.parent),
          );
        break;
      }
      case "message_delta": {
        const flight = this.#current(apiId);
        if (!flight) break;
        const delta = (event.delta ?? {}) as { stop_reason?: string | null };
        flight.stopReason = flight.aborted
          ? { unified: "cancelled", raw: undefined }
          : fromAnthropicStopReason(delta.stop_reason);
        const usage = toUsage(event.usage as CliUsage);
        if (usage.outputTokens) flight.usage.outputTokens = usage.outputTokens;
        break;
      }
      case "message_stop": {
        const flight = this.#current(apiId);
        if (flight) this.#close(flight, events);
        break;
      }
    }
  }

  #assistant(line: AssistantLine, events: ClaudeEventBody[]): void {
    const message = line.message;
    if (message.model === "<synthetic>") return; // API errors: reported through the result line.
    const parent = line.parent_tool_use_id ?? undefined;
    let flight = this.#messages.get(message.id);
    const streamed = flight !== undefined;
    flight ??= this.#open(message.id, message.model, parent);
    if ((line as { aborted?: boolean }).aborted) {
      flight.aborted = true;
      flight.stopReason = { unified: "cancelled", raw: undefined };
    }
    for (const block of message.content) {
      const converted = fromCliAssistantBlock(block as Record<string, unknown>);
      if (!converted) continue;
      flight.content.push(converted);
      if (converted.type === "tool-use")
        this.#tracker.see(converted.id, converted.name, converted.input, parent);
    }
    if (!streamed) {
      // Lines without stream events (sub-agents, CLIs without partial messages) are whole messages.
      flight.usage = toUsage(message.usage);
      this.#start(flight, events);
      this.#close(flight, events);
    }
  }

  #user(line: UserLine, out: MappedLine): void {
    const agentId = (line as { agent_id?: unknown }).agent_id;
    if (typeof agentId === "string" && line.parent_tool_use_id)
      this.#tracker.linkAgent(agentId, line.parent_tool_use_id);
    if (line.isReplay || typeof line.message.content === "string") return;
    for (const block of line.message.content) {
      if (block.type !== "tool_result") continue;
      const result = fromCliToolResult(block as Record<string, unknown>);
      if (this.#tracker.ended(result.toolUseId)) continue;
      out.toolResults.push({ toolCallId: result.toolUseId, result });
    }
  }

  #system(line: SystemLine, events: ClaudeEventBody[]): void {
    const task = line as { task_id?: unknown; tool_use_id?: unknown };
    if (typeof task.task_id === "string" && typeof task.tool_use_id === "string")
      this.#tracker.linkAgent(task.task_id, task.tool_use_id);
    if (line.subtype === "init") {
      if (line.model) this.model = line.model;
      return;
    }
    if (line.subtype === "api_retry") {
      const error = claudeRetryError(line);
      // The CLI also retries what no runtime counts as retryable (a 401: it may refresh its login).
      if (!error.retryable) return;
      events.push({
        type: "retry",
        attempt: line.attempt ?? 1,
        maxAttempts: line.max_retries ?? 0,
        delayMs: line.retry_delay_ms ?? 0,
        error: serializeError(error),
      });
    }
  }

  /** Heartbeats of a long-running CLI tool become `tool-execution-update` events. */
  #progress(line: Record<string, unknown>, events: ClaudeEventBody[]): void {
    const toolCallId = typeof line.parent_tool_use_id === "string" ? line.parent_tool_use_id : undefined;
    if (!toolCallId || this.#tracker.ended(toolCallId)) return;
    const update = { elapsedSeconds: line.elapsed_time_seconds };
    const toolName = this.#tracker.toolName(toolCallId, String(line.tool_name ?? "unknown"));
    const parent = this.#tracker.parentOf(toolCallId);
    events.push(attribute({ type: "tool-execution-update", toolCallId, toolName, update }, parent));
  }

  #open(id: string, model: string | undefined, parent: string | undefined): MessageInFlight {
    const flight: MessageInFlight = {
      id,
      model,
      parent,
      content: [],
      usage: emptyUsage(),
      stopReason: { unified: "other", raw: undefined },
      aborted: false,
      blocks: new Map(),
    };
    this.#messages.set(id, flight);
    return flight;
  }

  /** A model call begins: counted, and its `message-start` emitted. */
  #start(flight: MessageInFlight, events: ClaudeEventBody[]): void {
    this.modelCalls++;
    const start = {
      type: "message-start",
      messageId: flight.id,
      role: "assistant",
      model: flight.model,
    } as const;
    events.push(attribute(start, flight.parent));
  }

  #current(apiId: string | undefined): MessageInFlight | undefined {
    if (apiId) return this.#messages.get(apiId);
    let last: MessageInFlight | undefined;
    for (const flight of this.#messages.values()) last = flight;
    return last;
  }

  #close(flight: MessageInFlight, events: ClaudeEventBody[]): void {
    this.#messages.delete(flight.id);
    const model = flight.model ?? this.model;
    events.push(
      attribute(
        {
          type: "message-end",
          messageId: flight.id,
          message: { role: "assistant", content: flight.content },
          stopReason: flight.stopReason,
          usage: flight.usage,
          model,
        },
        flight.parent,
      ),
    );
    if (model)
      events.push(
        attribute(
          { type: "usage", model, usage: flight.usage, costUsd: computeCost(model, flight.usage) },
          flight.parent,
        ),
      );
  }
}

/** CLI usage → Arky usage. */
export function toUsage(usage: CliUsage): Usage {
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadInputTokens: usage?.cache_read_input_tokens ?? 0,
    cacheCreationInputTokens: usage?.cache_creation_input_tokens ?? 0,
  };
}
