import {
  type AgentEvent,
  type AgentEventOf,
  EVENT_SCHEMA_VERSION,
  type ToolResultBlock,
  type Usage,
} from "../protocol/index.js";
import { sessionNotFound } from "./metadata.js";
import type { SessionMetadata, SessionStore } from "./store.js";

/** Options of {@link exportSessionMarkdown}. */
export interface MarkdownExportOptions {
  /** Longest tool input or result shown, in characters (default 2000); longer ones are cut. */
  maxToolChars?: number;
}

/**
 * A session as JSON Lines: one stored event per line, in `seq` order, deltas included,
 * each the event's stored JSON with a `schemaVersion` field added (the event schema
 * version the store reads it back as). Throws `session-not-found` for an unknown id and
 * the store's `store` error when a row cannot be read.
 *
 * @example
 * await writeFile("session.jsonl", await exportSessionJsonl(store, id));
 */
export async function exportSessionJsonl(store: SessionStore, sessionId: string): Promise<string> {
  await metadataOf(store, sessionId);
  const lines: string[] = [];
  for await (const event of store.read(sessionId)) {
    lines.push(JSON.stringify({ schemaVersion: EVENT_SCHEMA_VERSION, ...event }));
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/**
 * A session as readable Markdown: a header (title, id, runtime, model, created, totals),
 * then each turn: the prompt, assistant text, thinking as a quote, every tool call with
 * its input and result (cut at `maxToolChars`), errors, and the turn's usage and cost.
 * Deltas are not read; completed messages carry the same text.
 */
export async function exportSessionMarkdown(
  store: SessionStore,
  sessionId: string,
  options: MarkdownExportOptions = {},
): Promise<string> {
  const meta = await metadataOf(store, sessionId);
  const max = options.maxToolChars ?? 2000;
  const out: string[] = header(meta);
  let turn = 0;
  const inputs = new Map<string, unknown>();
  for await (const event of store.read(sessionId, { excludeDeltas: true })) {
    if (event.parentToolCallId !== undefined) continue;
    switch (event.type) {
      case "turn-start":
        turn++;
        out.push(`## Turn ${turn}`, "", "**User:**", "", quoteText(userText(event)), "");
        break;
      case "message-end":
        out.push(...assistantBlocks(event, inputs));
        break;
      case "tool-execution-start":
        inputs.set(event.toolCallId, event.input);
        break;
      case "tool-execution-end":
        out.push(...toolBlock(event, inputs.get(event.toolCallId), max));
        break;
      case "error":
        out.push(`> **Error** \`${event.error.code}\`: ${event.error.message}`, "");
        break;
      case "turn-end":
        out.push(
          `_${usageLine(event.usage, event.costUsd)} · ${event.modelCalls} model call(s) · stop: ${event.stopReason.unified}_`,
          "",
        );
        break;
      default:
        break;
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

async function metadataOf(store: SessionStore, sessionId: string): Promise<SessionMetadata> {
  const meta = await store.get(sessionId);
  if (!meta) throw sessionNotFound(sessionId);
  return meta;
}

function header(meta: SessionMetadata): string[] {
  const lines = [`# ${meta.title ?? "Untitled session"}`, ""];
  const row = (name: string, value: string | undefined) => {
    if (value !== undefined) lines.push(`- **${name}:** ${value}`);
  };
  row("Session", `\`${meta.sessionId}\``);
  row("Runtime", meta.runtime);
  row("Model", meta.model);
  row("Working folder", meta.cwd);
  row("Created", new Date(meta.createdAt).toISOString());
  row("Updated", new Date(meta.updatedAt).toISOString());
  if (meta.parentSessionId)
    row("Forked from", `\`${meta.parentSessionId}\` at seq ${meta.forkedAtSeq ?? "?"}`);
  if (meta.tags.length) row("Tags", meta.tags.join(", "));
  row("Totals", `${usageLine(meta.usage, meta.costUsd)} · ${meta.lastSeq} events`);
  lines.push("");
  return lines;
}

function userText(event: AgentEventOf<"turn-start">): string {
  return event.input.content
    .map((b) => (b.type === "text" ? b.text : b.type === "image" ? "[image]" : "[tool result]"))
    .join("\n");
}

function assistantBlocks(event: AgentEventOf<"message-end">, inputs: Map<string, unknown>): string[] {
  const out: string[] = [];
  for (const block of event.message.content) {
    if (block.type === "text" && block.text.trim()) out.push("**Assistant:**", "", block.text, "");
    else if (block.type === "thinking" && block.thinking.trim())
      out.push(quoteText(`_Thinking:_ ${block.thinking}`), "");
    else if (block.type === "tool-use") inputs.set(block.id, block.input);
  }
  return out;
}

function toolBlock(event: AgentEventOf<"tool-execution-end">, input: unknown, max: number): string[] {
  const mark = event.result.isError ? "failed" : "ok";
  return [
    `**Tool \`${event.toolName}\`** (${mark}, ${duration(event.durationMs)})`,
    "",
    "Input:",
    "",
    fence(cap(JSON.stringify(input, null, 2) ?? "(none)", max), "json"),
    "",
    "Result:",
    "",
    fence(cap(resultText(event.result), max), ""),
    "",
  ];
}

function resultText(result: ToolResultBlock): string {
  return result.content.map((b) => (b.type === "text" ? b.text : "[image]")).join("\n");
}

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;
}

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function quoteText(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `> ${line}` : ">"))
    .join("\n");
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function usageLine(usage: Usage, costUsd: number | undefined): string {
  const cost = costUsd === undefined ? "cost unknown" : `$${costUsd.toFixed(4)}`;
  return `${usage.inputTokens} in · ${usage.outputTokens} out · ${cost}`;
}

/** Re-exported for readers of exported JSONL: the event without the added `schemaVersion`. */
export type ExportedEventLine = AgentEvent & { schemaVersion: number };
