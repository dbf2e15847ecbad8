import type { AgentEvent, ToolResultBlock, Usage } from "../protocol/index.js";
import type { CliIo } from "./io.js";

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

/** `value` (JSON unless a string) on one line, whitespace collapsed, cut at `max` characters. */
export function oneLine(value: unknown, max = 120): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function resultPreview(result: ToolResultBlock, maxLines = 6): string[] {
  const text = result.content.map((b) => (b.type === "text" ? b.text : `[${b.type}]`)).join("\n");
  const lines = text.split("\n");
  const shown = lines.slice(0, maxLines).map((l) => (l.length > 140 ? `${l.slice(0, 139)}…` : l));
  if (lines.length > maxLines) shown.push(`… ${lines.length - maxLines} more line(s)`);
  return shown;
}

/** Formats a usage line: tokens, cache, cost. */
function formatUsage(usage: Usage, costUsd: number | undefined, extra: string[] = []): string {
  const parts = [
    `${usage.inputTokens.toLocaleString("en-US")} in`,
    `${usage.outputTokens.toLocaleString("en-US")} out`,
  ];
  if (usage.cacheReadInputTokens || usage.cacheCreationInputTokens) {
    parts.push(`cache ${usage.cacheReadInputTokens} read / ${usage.cacheCreationInputTokens} written`);
  }
  parts.push(costUsd === undefined ? "cost unknown" : `$${costUsd.toFixed(4)}`);
  return [...parts, ...extra].join(" · ");
}

/** Whether to colour the CLI's stdout: a TTY, and NO_COLOR unset. */
export function wantsColor(io: CliIo): boolean {
  return Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
}

/**
 * Renders agent events for a person at the CLI's stdout (coloured on a TTY unless NO_COLOR
 * is set): streamed text as it arrives, each tool call with its input and a preview of its
 * result, retries and errors, and a usage line at the end of each turn. Returns a function
 * taking one event at a time.
 */
export function stdoutRenderer(io: CliIo): (event: AgentEvent) => void {
  const write = (text: string) => io.stdout.write(text);
  const color = wantsColor(io);
  let inText = false;
  let inThinking = false;
  const breakLine = () => {
    if (inText || inThinking) write("\n");
    inText = false;
    inThinking = false;
  };
  return (event) => {
    switch (event.type) {
      case "message-delta":
        if (event.delta.kind === "text") {
          if (inThinking) breakLine();
          inText = true;
          write(event.delta.text);
        } else if (event.delta.kind === "thinking") {
          if (!inThinking) {
            breakLine();
            write(paint(color, "2;3", "thinking: "));
          }
          inThinking = true;
          write(paint(color, "2;3", event.delta.text));
        }
        break;
      case "tool-execution-start":
        breakLine();
        write(
          `${paint(color, "36", "▸")} ${paint(color, "1", event.toolName)} ${paint(color, "2", oneLine(event.input))}\n`,
        );
        break;
      case "tool-execution-end": {
        breakLine();
        const failed = event.result.isError === true;
        const mark = failed ? paint(color, "31", "✗") : paint(color, "32", "✓");
        const lines = resultPreview(event.result);
        write(`  ${mark} ${lines[0] ?? ""}\n`);
        for (const line of lines.slice(1)) write(`    ${paint(color, "2", line)}\n`);
        break;
      }
      case "permission-decision":
        if (event.decision === "deny") {
          breakLine();
          write(
            `  ${paint(color, "33", "⊘")} ${event.toolName} denied (${event.source})${event.reason ? `: ${event.reason}` : ""}\n`,
          );
        }
        break;
      case "retry":
        breakLine();
        write(
          paint(
            color,
            "33",
            `↻ ${event.error.code}: retry ${event.attempt}/${event.maxAttempts - 1} in ${event.delayMs} ms\n`,
          ),
        );
        break;
      case "error":
        breakLine();
        write(paint(color, "31", `error [${event.error.code}] ${event.error.message}\n`));
        if (event.error.correction) write(paint(color, "2", `  ${event.error.correction}\n`));
        break;
      case "turn-end": {
        breakLine();
        const seconds = `${(event.durationMs / 1000).toFixed(1)} s`;
        const calls = `${event.modelCalls} model call${event.modelCalls === 1 ? "" : "s"}`;
        const stop = event.stopReason.unified === "end-turn" ? [] : [`stopped: ${event.stopReason.unified}`];
        write(paint(color, "2", `─ ${formatUsage(event.usage, event.costUsd, [calls, seconds, ...stop])}\n`));
        break;
      }
      default:
        break;
    }
  };
}
