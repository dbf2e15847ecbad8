import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
  textReply,
  toolCallReply,
} from "../../src/testing/index.js";
import { captureIo, tempDir } from "./helpers.js";

let server: ScriptedModelServer;
let home: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  home = tempDir("arky-home-");
  server = await startScriptedModelServer({ script: [] });
  env = {
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: server.baseUrl,
    ARKY_HOME: home.path,
    HOME: home.path,
  };
});
afterEach(async () => {
  await server.close();
  home.remove();
});

async function arky(...argv: string[]) {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Runs a prompt and returns the session id `arky run` reports. */
async function run(...argv: string[]): Promise<string> {
  const result = await arky("run", ...argv);
  expect(result.code, result.err).toBe(0);
  const id = /session (\S+)/.exec(result.err)?.[1];
  expect(id).toBeDefined();
  return id!;
}

type Body = { messages: { role: string; content: unknown }[] };
const lastBody = () => server.requests.at(-1)!.body as Body;

describe("arky run with the session store", () => {
  it("records runs in $ARKY_HOME/sessions.db and continues them with --resume <prefix> and --continue", async () => {
    server.push(textReply("first answer"), textReply("second answer"), textReply("third answer"));
    const id = await run("--tools", "none", "first prompt");

    const resumed = await run("--tools", "none", "--resume", id.slice(0, 8), "second prompt");
    expect(resumed).toBe(id);
    expect(lastBody().messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(JSON.stringify(lastBody().messages)).toContain("first answer");

    expect(await run("--tools", "none", "-c", "third prompt")).toBe(id);
    expect(lastBody().messages).toHaveLength(5);

    const store = new SqliteSessionStore({ path: join(home.path, "sessions.db") });
    const meta = await store.get(id);
    await store.close();
    expect(meta).toMatchObject({ title: "first prompt", runtime: "native", model: "claude-sonnet-5-5" });
  });

  it("--no-store records nothing; --resume with --no-store, or --continue with no sessions, is a usage error", async () => {
    server.push(textReply("unrecorded"));
    const result = await arky("run", "--tools", "none", "--no-store", "hello");
    expect(result.code).toBe(0);
    expect(result.err).not.toMatch(/session/);
    expect((await arky("sessions", "list")).out).toMatch(/No sessions yet/);

    const both = await arky("run", "--no-store", "--resume", "abc", "hi");
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/cannot be used with --no-store/);
    const nothing = await arky("run", "--continue", "hi");
    expect(nothing.code).toBe(2);
    expect(nothing.err).toMatch(/no stored session to continue/);
    const unknown = await arky("run", "--resume", "does-not-exist", "hi");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/No session with id "does-not-exist"/);
    expect(server.requests).toHaveLength(1);
  });
});

describe("arky sessions", () => {
  it("lists, shows, replays, exports and removes a stored session", async () => {
    server.push(
      toolCallReply("glob", { pattern: "package.json" }, { usage: { inputTokens: 40, outputTokens: 5 } }),
      textReply("There is a package.json.", { usage: { inputTokens: 60, outputTokens: 7 } }),
    );
    const id = await run("Which manifest is here?");

    const list = await arky("sessions", "list");
    expect(list.code).toBe(0);
    const [head, row] = list.out.trimEnd().split("\n");
    expect(head).toMatch(/^ID\s+UPDATED\s+TITLE\s+RUNTIME\/MODEL\s+TURNS\s+TOKENS\s+COST$/);
    expect(row).toMatch(
      new RegExp(
        `^${id.slice(0, 8)}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+Which manifest is here\\?\\s+native/claude-sonnet-5-5\\s+1\\s+112\\s+\\$\\d+\\.\\d{4}$`,
      ),
    );
    const json = JSON.parse((await arky("sessions", "list", "--json")).out);
    expect(json).toMatchObject({ sessionId: id, turns: 1, usage: { inputTokens: 100, outputTokens: 12 } });
    expect(json).not.toHaveProperty("runtimeState");

    const show = await arky("sessions", "show", id.slice(0, 6));
    expect(show.code).toBe(0);
    expect(show.out).toContain(`Session:  ${id}`);
    expect(show.out).toContain("Title:    Which manifest is here?");
    expect(show.out).toContain("[1] > Which manifest is here?");
    expect(show.out).toContain("✓ glob");
    expect(show.out).toContain("There is a package.json.");

    const replay = await arky("sessions", "replay", id);
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/^> Which manifest is here\?\n/);
    expect(replay.out).toMatch(/▸ glob \{"pattern":"package.json"\}\n {2}✓ package.json/);
    expect(replay.out).toMatch(/There is a package\.json\.\n─ 100 in · 12 out · \$\d\.\d{4} · 2 model calls/);
    const replayNoDeltas = await arky("sessions", "replay", id, "--no-deltas");
    expect(replayNoDeltas.out).toContain("There is a package.json.\n");

    const lines = (await arky("sessions", "replay", id, "--json")).out.trimEnd().split("\n");
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0].type).toBe("session-start");
    expect(events.some((e) => e.type === "message-delta")).toBe(true);

    const out = join(home.path, "s.md");
    const exported = await arky("sessions", "export", id, "--format", "markdown", "--out", out);
    expect(exported.code).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^# Which manifest is here\?\n[\s\S]*\*\*Tool `glob`\*\*/);
    const jsonl = (await arky("sessions", "export", id.slice(0, 10))).out.trimEnd().split("\n");
    expect(jsonl.map((l) => JSON.parse(l).schemaVersion)).toEqual(lines.map(() => 1));
    const badFormat = await arky("sessions", "export", id, "--format", "pdf");
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toMatch(/--format must be jsonl or markdown/);

    const rm = await arky("sessions", "rm", id.slice(0, 8));
    expect(rm.out).toBe(`Deleted session ${id}.\n`);
    const gone = await arky("sessions", "show", id);
    expect(gone.code).toBe(2);
    expect(gone.err).toMatch(/No session with id/);
    expect(gone.err).toMatch(/arky sessions list/);
  });

  it("refuses an ambiguous prefix, unknown ids, a missing id and unknown subcommands with exit 2", async () => {
    const store = new SqliteSessionStore({ path: join(home.path, "sessions.db") });
    await store.create("abc-one");
    await store.create("abc-two");
    await store.close();
    const ambiguous = await arky("sessions", "show", "abc");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toMatch(/"abc" matches 2 sessions: abc-(one|two), abc-(one|two)/);
    expect((await arky("sessions", "show", "abc-t")).code).toBe(0);
    for (const argv of [
      ["sessions", "replay", "zzz"],
      ["sessions", "export", "zzz"],
      ["sessions", "rm", "zzz"],
      ["sessions", "show"],
      ["sessions", "frob", "x"],
      ["sessions"],
      ["sessions", "list", "--bogus"],
    ]) {
      const result = await arky(...argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.err, argv.join(" ")).not.toBe("");
    }
    expect((await arky("sessions", "list", "--json")).out.trim().split("\n")).toHaveLength(2);
  });

  it("a store that cannot be opened is a store error (exit 1) that says what to do, before any model call", async () => {
    const file = join(home.path, "not-a-folder");
    writeFileSync(file, "");
    env.ARKY_HOME = file;
    for (const argv of [
      ["run", "hi"],
      ["sessions", "list"],
    ]) {
      const result = await arky(...argv);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        /^arky: .+\nSet ARKY_HOME to a writable folder, or run with --no-store\.\n$/,
      );
    }
    expect(server.requests).toHaveLength(0);
  });

  it("replaying a session with a corrupt row prints the events before it, then the store error (exit 1)", async () => {
    server.push(textReply("an answer that is kept"));
    const id = await run("--tools", "none", "hello");
    const db = new DatabaseSync(join(home.path, "sessions.db"));
    const { seq } = db
      .prepare("SELECT max(seq) AS seq FROM events WHERE session_id = ? AND type = 'turn-end'")
      .get(id) as {
      seq: number;
    };
    db.prepare('UPDATE events SET data = \'{"type":"turn-e\' WHERE session_id = ? AND seq = ?').run(id, seq);
    db.close();
    const replay = await arky("sessions", "replay", id);
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/^> hello\nan answer that is kept/);
    expect(replay.out).not.toContain("─ ");
    expect(replay.err).toMatch(new RegExp(`seq ${seq} of session ${id} is not valid JSON`));
    const json = await arky("sessions", "replay", id, "--json");
    expect(
      json.out
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).seq),
    ).toEqual(Array.from({ length: seq - 1 }, (_, i) => i + 1));
  });

  it("documents the commands in the help text", async () => {
    const help = await arky("help");
    for (const text of [
      "arky sessions list",
      "sessions replay",
      "sessions export",
      "sessions rm",
      "--resume",
      "--continue",
      "--no-store",
    ])
      expect(help.out).toContain(text);
  });
});
