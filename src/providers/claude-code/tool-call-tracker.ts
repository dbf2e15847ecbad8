import type { AgentEventBody, ToolResultBlock } from "../../protocol/index.js";

/** An event body, possibly attributed to a sub-agent's tool call. */
export type ClaudeEventBody = AgentEventBody & { parentToolCallId?: string };

/** The event attributed to the sub-agent started by tool call `parent`, if any. */
export function attribute(body: AgentEventBody, parent: string | undefined): ClaudeEventBody {
  return parent ? { ...body, parentToolCallId: parent } : body;
}

interface TrackedCall {
  toolName: string;
  input: unknown;
  parentToolCallId?: string;
  startedAt?: number;
  ended: boolean;
}

/**
 * What the runtime knows of each tool call of a turn: the name the model used, whether
 * its `tool-execution-start` and `-end` were emitted. Both the stdout mapper and the
 * control handlers (hooks, permission prompts, Arky tool calls) report here, so every
 * call gets exactly one start (when it ran) and one end.
 */
export class ToolCallTracker {
  readonly #calls = new Map<string, TrackedCall>();
  /** Sub-agent (task) id → the tool call that started it. */
  readonly #agents = new Map<string, string>();
  /** Maps the CLI's name of a tool to the name shown in events (Arky tools lose their MCP prefix). */
  readonly #displayName: (cliName: string) => string;

  constructor(displayName: (cliName: string) => string) {
    this.#displayName = displayName;
  }

  /** Records a tool call the model made (from an `assistant` line or a control request). */
  see(toolCallId: string, cliName: string, input: unknown, parentToolCallId?: string): void {
    const existing = this.#calls.get(toolCallId);
    if (existing) {
      existing.input = input;
      if (parentToolCallId) existing.parentToolCallId = parentToolCallId;
      return;
    }
    this.#calls.set(toolCallId, {
      toolName: this.#displayName(cliName),
      input,
      ended: false,
      ...(parentToolCallId ? { parentToolCallId } : {}),
    });
  }

  /** Records which tool call started a sub-agent (from `task_*` system lines). */
  linkAgent(agentId: string, toolCallId: string): void {
    this.#agents.set(agentId, toolCallId);
  }

  /** The tool call that started a sub-agent, when known. */
  parentOfAgent(agentId: string | undefined): string | undefined {
    return agentId === undefined ? undefined : this.#agents.get(agentId);
  }

  toolName(toolCallId: string, fallback = "unknown"): string {
    return this.#calls.get(toolCallId)?.toolName ?? fallback;
  }

  parentOf(toolCallId: string): string | undefined {
    return this.#calls.get(toolCallId)?.parentToolCallId;
  }

  /** The start event, once per call; undefined when it was already emitted. */
  start(toolCallId: string, input: unknown): ClaudeEventBody | undefined {
    const call = this.#calls.get(toolCallId);
    if (!call || call.startedAt !== undefined) return undefined;
    call.startedAt = performance.now();
    call.input = input;
    const start = { type: "tool-execution-start", toolCallId, toolName: call.toolName, input } as const;
    return attribute(start, call.parentToolCallId);
  }

  /** The end event, once per call; undefined when it was already emitted. */
  end(toolCallId: string, result: ToolResultBlock, error?: ClaudeEndError): ClaudeEventBody | undefined {
    const call = this.#calls.get(toolCallId);
    if (!call || call.ended) return undefined;
    call.ended = true;
    const durationMs = call.startedAt === undefined ? 0 : performance.now() - call.startedAt;
    const end = {
      type: "tool-execution-end",
      toolCallId,
      toolName: call.toolName,
      result,
      durationMs,
    } as const;
    return attribute(error ? { ...end, error } : end, call.parentToolCallId);
  }

  ended(toolCallId: string): boolean {
    return this.#calls.get(toolCallId)?.ended ?? false;
  }

  /** The guard-facing description of a call. */
  describe(toolCallId: string): { toolName: string; input: unknown } | undefined {
    const call = this.#calls.get(toolCallId);
    return call ? { toolName: call.toolName, input: call.input } : undefined;
  }
}

type ClaudeEndError = Extract<AgentEventBody, { type: "tool-execution-end" }>["error"];
