import {
  type AgentEventBody,
  emptyUsage,
  stopReason,
  type ToolResultBlock,
  type Usage,
} from "../../protocol/index.js";
import type { CodexItem, CodexTokenBreakdown } from "./codex-messages.js";

/** Tool names Arky gives Codex's own tools (what permission rules and hooks match on). */
export const CODEX_TOOL_NAMES = { command: "exec_command", fileChange: "apply_patch" } as const;

/**
 * The assistant message holding a tool call's tool-use block, sent before its execution so
 * the rebuilt conversation pairs the call with its result.
 */
export function toolUseMessage(id: string, name: string, input: unknown, model?: string): AgentEventBody[] {
  const messageId = `${id}:call`;
  return [
    { type: "message-start", messageId, role: "assistant", model },
    {
      type: "message-end",
      messageId,
      message: { role: "assistant", content: [{ type: "tool-use", id, name, input }] },
      stopReason: stopReason("tool-use"),
      usage: emptyUsage(),
      model,
    },
  ];
}

/** Converts a Codex token breakdown into Arky's usage (cached input counted apart). */
export function codexUsage(tokens: CodexTokenBreakdown): Usage {
  const cached = tokens.cachedInputTokens ?? 0;
  return {
    inputTokens: Math.max(0, tokens.inputTokens - cached),
    outputTokens: tokens.outputTokens,
    cacheReadInputTokens: cached,
    cacheCreationInputTokens: tokens.cacheWriteInputTokens ?? 0,
  };
}

/**
 * Arky's description of a Codex tool item: name and input, or undefined for other items. A
 * command's input is what `bash` takes (`command`); Codex's `cwd` is kept only when the
 * command runs somewhere else than `sessionCwd`, the session's working folder.
 */
export function describeToolItem(
  item: CodexItem,
  sessionCwd?: string,
): { toolName: string; input: unknown } | undefined {
  if (item.type === "commandExecution") {
    const actions = (item.commandActions ?? []).map((a) => a.command).filter((c) => c !== undefined);
    const command = actions.length === 1 ? actions[0] : unwrapShell(item.command ?? actions.join(" && "));
    return { toolName: CODEX_TOOL_NAMES.command, input: commandInput(command, item.cwd, sessionCwd) };
  }
  if (item.type === "fileChange")
    return { toolName: CODEX_TOOL_NAMES.fileChange, input: { changes: item.changes ?? [] } };
  if (item.type === "mcpToolCall")
    return {
      toolName: `mcp/${item.server ?? "unknown"}/${item.tool ?? "unknown"}`,
      input: item.arguments ?? {},
    };
  return undefined;
}

/** A shell command's input as `bash` takes it, with `cwd` only when it is not the session's. */
export function commandInput(
  command: string | undefined,
  cwd: string | null | undefined,
  sessionCwd: string | undefined,
): { command: string | undefined; cwd?: string } {
  return cwd && cwd !== sessionCwd ? { command, cwd } : { command };
}

export function toolResult(item: CodexItem, output: string): ToolResultBlock {
  const id = item.id;
  let text = output;
  let isError = item.status === "failed" || item.status === "declined";
  if (item.type === "commandExecution") {
    text = item.aggregatedOutput ?? output;
    if (item.status === "declined") text = "The command was declined.";
    if (item.exitCode !== undefined && item.exitCode !== null && item.exitCode !== 0) isError = true;
  } else if (item.type === "fileChange") {
    text =
      item.status === "completed"
        ? `Changed ${(item.changes ?? []).map((c) => c.path).join(", ")}`
        : `Patch ${item.status}`;
  } else if (item.type === "mcpToolCall") {
    text = item.error?.message ?? mcpText(item.result?.content);
    if (item.error) isError = true;
  }
  const block: ToolResultBlock = { type: "tool-result", toolUseId: id, content: [{ type: "text", text }] };
  if (isError) block.isError = true;
  return block;
}

function mcpText(content: unknown[] | undefined): string {
  return (content ?? [])
    .map((c) =>
      typeof c === "object" && c !== null && "text" in c && typeof c.text === "string" ? c.text : "",
    )
    .join("");
}

/**
 * The script inside Codex's `/bin/bash -lc '<script>'` wrapper, so permission rules match
 * what the model asked for. Anything else is returned unchanged.
 */
export function unwrapShell(command: string): string {
  const match = /^\/bin\/(?:ba|z)?sh -lc '([\s\S]*)'$/.exec(command);
  if (!match) return command;
  return match[1]!.replaceAll(`'\\''`, "'").replaceAll(`'"'"'`, "'");
}
