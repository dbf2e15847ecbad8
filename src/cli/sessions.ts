import { writeFile } from "node:fs/promises";
import { ArkyError, serializeError, type Usage } from "../protocol/index.js";
import {
  exportSessionJsonl,
  exportSessionMarkdown,
  type SessionMetadata,
  type SessionStore,
} from "../session/index.js";
import { defaultSqlitePath, SqliteSessionStore } from "../stores/sqlite/index.js";
import { parseCliArgs, positiveInteger } from "./args.js";
import type { CliIo } from "./io.js";
import { oneLine, stdoutRenderer } from "./render.js";

/** Opens the CLI's embedded session store: `$ARKY_HOME/sessions.db`, else `~/.arky/sessions.db`. */
export function openCliStore(io: CliIo): SqliteSessionStore {
  try {
    return new SqliteSessionStore({ path: defaultSqlitePath(io.env) });
  } catch (error) {
    if (!ArkyError.isArkyError(error) || error.correction) throw error;
    const correction = "Set ARKY_HOME to a writable folder, or run with --no-store.";
    throw new ArkyError({ ...serializeError(error), cause: error, correction });
  }
}

/**
 * Finds a session by its id or a unique prefix of it (like git). Throws
 * `session-not-found` when none matches and `configuration` when several do.
 */
export async function resolveSessionId(store: SessionStore, idOrPrefix: string): Promise<SessionMetadata> {
  const exact = idOrPrefix ? await store.get(idOrPrefix) : undefined;
  if (exact) return exact;
  const matches = idOrPrefix ? (await store.list()).filter((m) => m.sessionId.startsWith(idOrPrefix)) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new ArkyError({
      code: "session-not-found",
      message: `No session with id "${idOrPrefix}".`,
      correction: "Run `arky sessions list` to see the stored sessions.",
    });
  }
  throw new ArkyError({
    code: "configuration",
    message: `"${idOrPrefix}" matches ${matches.length} sessions: ${matches
      .slice(0, 5)
      .map((m) => m.sessionId)
      .join(", ")}${matches.length > 5 ? ", …" : ""}.`,
    correction: "Give more characters of the id.",
  });
}

const OPTIONS = {
  json: { type: "boolean" },
  format: { type: "string", default: "jsonl" },
  out: { type: "string", short: "o" },
  limit: { type: "string" },
  "no-deltas": { type: "boolean" },
} as const;

/** Runs `arky sessions <list|show|replay|export|rm>`. Returns the exit code. */
export async function sessionsCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseCliArgs(rest, OPTIONS);
  if (sub !== "list" && positionals.length !== 1) {
    io.stderr.write(`arky sessions ${sub ?? ""}: give one session id (or a unique prefix of it).\n`);
    return 2;
  }
  const id = positionals[0] ?? "";
  const store = sub === undefined ? undefined : openCliStore(io);
  try {
    switch (sub) {
      case "list":
        return await list(store!, io, values.json === true, positiveInteger(values.limit, "--limit"));
      case "show":
        return await show(store!, io, (await resolveSessionId(store!, id)).sessionId, values.json === true);
      case "replay":
        return await replay(store!, io, (await resolveSessionId(store!, id)).sessionId, {
          json: values.json === true,
          excludeDeltas: values["no-deltas"] === true,
        });
      case "export":
        return await exportCommand(store!, io, (await resolveSessionId(store!, id)).sessionId, values);
      case "rm": {
        const meta = await resolveSessionId(store!, id);
        await store!.delete(meta.sessionId);
        io.stdout.write(`Deleted session ${meta.sessionId}.\n`);
        return 0;
      }
      default:
        io.stderr.write(
          `arky sessions: the subcommands are list, show, replay, export and rm${sub ? ` (not "${sub}")` : ""}.\n`,
        );
        return 2;
    }
  } finally {
    await store?.close();
  }
}

async function list(store: SessionStore, io: CliIo, json: boolean, limit: number | undefined) {
  const sessions = await store.list({ limit: limit ?? (json ? undefined : 50) });
  if (json) {
    for (const meta of sessions) io.stdout.write(`${JSON.stringify(await summary(store, meta))}\n`);
    return 0;
  }
  if (sessions.length === 0) {
    io.stdout.write('No sessions yet. Start one with: arky run "<prompt>"\n');
    return 0;
  }
  const rows: string[][] = [];
  for (const m of sessions)
    rows.push([
      m.sessionId.slice(0, 8),
      formatTime(m.updatedAt),
      oneLine(m.title ?? "(untitled)", 40),
      [m.runtime, m.model].filter(Boolean).join("/") || "-",
      `${await countTurns(store, m.sessionId)}`,
      tokens(m.usage),
      `$${m.costUsd.toFixed(4)}`,
    ]);
  io.stdout.write(table(["ID", "UPDATED", "TITLE", "RUNTIME/MODEL", "TURNS", "TOKENS", "COST"], rows));
  return 0;
}

async function show(store: SessionStore, io: CliIo, sessionId: string, json: boolean) {
  const meta = (await store.get(sessionId))!;
  if (json) {
    io.stdout.write(`${JSON.stringify(await summary(store, meta))}\n`);
    return 0;
  }
  const line = (name: string, value: string | undefined) => {
    if (value !== undefined) io.stdout.write(`${`${name}:`.padEnd(10)}${value}\n`);
  };
  line("Session", meta.sessionId);
  line("Title", meta.title);
  line("Runtime", meta.runtime);
  line("Model", meta.model);
  line("Folder", meta.cwd);
  line("Created", formatTime(meta.createdAt));
  line("Updated", formatTime(meta.updatedAt));
  if (meta.parentSessionId) line("Forked", `from ${meta.parentSessionId} at seq ${meta.forkedAtSeq}`);
  if (meta.tags.length) line("Tags", meta.tags.join(", "));
  line("Totals", `${meta.lastSeq} events · ${tokens(meta.usage)} tokens · $${meta.costUsd.toFixed(4)}`);
  io.stdout.write("\n");
  let turn = 0;
  for await (const event of store.read(sessionId, { excludeDeltas: true })) {
    if (event.parentToolCallId !== undefined) continue;
    if (event.type === "turn-start") {
      const text = event.input.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(" ");
      io.stdout.write(`[${++turn}] > ${oneLine(text, 100)}\n`);
    } else if (event.type === "message-end") {
      const text = event.message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(" ");
      if (text.trim()) io.stdout.write(`    ${oneLine(text, 100)}\n`);
    } else if (event.type === "tool-execution-end") {
      io.stdout.write(`    ${event.result.isError ? "✗" : "✓"} ${event.toolName}\n`);
    } else if (event.type === "turn-end" && event.error) {
      io.stdout.write(`    error [${event.error.code}] ${oneLine(event.error.message, 100)}\n`);
    }
  }
  return 0;
}

async function replay(
  store: SessionStore,
  io: CliIo,
  sessionId: string,
  options: { json: boolean; excludeDeltas: boolean },
) {
  const render = options.json ? undefined : stdoutRenderer(io);
  for await (const event of store.read(sessionId, { excludeDeltas: options.excludeDeltas })) {
    if (options.json) io.stdout.write(`${JSON.stringify(event)}\n`);
    else if (event.type === "turn-start") {
      const text = event.input.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(" ");
      io.stdout.write(`> ${text}\n`);
    } else if (event.type === "message-end" && options.excludeDeltas) {
      // Without deltas the renderer sees no streamed text; show the completed message's.
      const text = event.message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
      if (text) io.stdout.write(`${text}\n`);
    } else render?.(event);
  }
  return 0;
}

async function exportCommand(
  store: SessionStore,
  io: CliIo,
  sessionId: string,
  values: { format?: string; out?: string },
) {
  const format = values.format ?? "jsonl";
  if (format !== "jsonl" && format !== "markdown" && format !== "md") {
    throw new ArkyError({
      code: "configuration",
      message: `--format must be jsonl or markdown, not "${format}".`,
    });
  }
  const text =
    format === "jsonl"
      ? await exportSessionJsonl(store, sessionId)
      : await exportSessionMarkdown(store, sessionId);
  if (values.out) {
    await writeFile(values.out, text, { mode: 0o600 });
    io.stderr.write(`Wrote ${values.out}.\n`);
  } else io.stdout.write(text);
  return 0;
}

/** Metadata for people and scripts: runtime resume state left out, turns counted. */
async function summary(store: SessionStore, meta: SessionMetadata) {
  const { runtimeState: _state, ...rest } = meta;
  return { ...rest, turns: await countTurns(store, meta.sessionId) };
}

/** Turns are not in the metadata: counts the session's `turn-end` events. */
async function countTurns(store: SessionStore, sessionId: string): Promise<number> {
  let turns = 0;
  for await (const event of store.read(sessionId, { excludeDeltas: true }))
    if (event.type === "turn-end" && event.parentToolCallId === undefined) turns++;
  return turns;
}

function tokens(usage: Usage): string {
  return (usage.inputTokens + usage.outputTokens).toLocaleString("en-US");
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    `${r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd()}\n`;
  return fmt(head) + rows.map(fmt).join("");
}
