import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, type AgentOptions } from "../../src/core/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { ClaudeCodeRuntime } from "../../src/providers/claude-code/index.js";
import { claudeCode } from "../../src/providers/claude-code/index.js";
import { type ScriptStep, textReply } from "../../src/testing/index.js";
import { cliOptions, lastToolResults, startServer, tempDir } from "./harness.js";

// claudeCode({ cwd }) with an Agent that names no folder: the guard resolves rules and
// acceptEdits against the CLI's cwd, and session-start records it. And by default the
// CLI's own Write and Bash are refused with the correction that names the options.

let harness: Awaited<ReturnType<typeof startServer>>;
let runtime: ClaudeCodeRuntime;
let cwd: string;

beforeAll(async () => {
  harness = await startServer();
  cwd = tempDir("folder");
  runtime = claudeCode(cliOptions(harness.server.baseUrl, { cwd }));
});

afterAll(async () => {
  await runtime?.close();
  await harness?.server.close();
});

/** Answers each model call with the next tool call, then with text. */
function scriptCalls(calls: Array<{ name: string; input: unknown }>) {
  let next = 0;
  harness.answer((request): ScriptStep => {
    if (!request.stream) return textReply("ok");
    if (lastToolResults(request).length === 0 && next > 0) return textReply("done");
    const call = calls[next++];
    return call ? { content: [{ type: "tool-use", ...call }] } : textReply("done");
  });
}

async function turn(options: Partial<AgentOptions>, prompt: string): Promise<AgentEvent[]> {
  const agent = new Agent({ runtime, ...options });
  const events: AgentEvent[] = [];
  try {
    for await (const event of agent.stream(prompt)) events.push(event);
  } finally {
    await agent.close();
  }
  return events;
}

const decisions = (events: AgentEvent[]) =>
  events
    .filter((e) => e.type === "permission-decision")
    .map((e) => `${e.toolName} ${e.decision}/${e.source}`);

describe("the working folder on Claude Code (real claude CLI)", () => {
  it("a deny rule on secret/** stops the CLI's Write there; acceptEdits allows an edit in the CLI's cwd", async () => {
    scriptCalls([
      { name: "Write", input: { file_path: join(cwd, "secret/keys.txt"), content: "k" } },
      { name: "Write", input: { file_path: join(cwd, "notes.txt"), content: "note" } },
    ]);
    const events = await turn(
      { permissions: { mode: "acceptEdits", deny: ["Edit(secret/**)"] } },
      "Write the key, then a note",
    );
    expect(decisions(events)).toEqual(["write deny/rule", "write allow/mode"]);
    expect(existsSync(join(cwd, "secret/keys.txt"))).toBe(false);
    expect(readFileSync(join(cwd, "notes.txt"), "utf8")).toBe("note");
    expect(events.find((e) => e.type === "session-start")).toMatchObject({ cwd });
  });

  it("without permissions the CLI's Bash and Write are refused, the reason naming the options", async () => {
    scriptCalls([
      { name: "Bash", input: { command: "touch PWNED", description: "touch" } },
      { name: "Write", input: { file_path: join(cwd, "unasked.txt"), content: "x" } },
    ]);
    const events = await turn({}, "Touch and write");
    expect(decisions(events)).toEqual(["bash deny/default", "write deny/default"]);
    expect(existsSync(join(cwd, "PWNED"))).toBe(false);
    expect(existsSync(join(cwd, "unasked.txt"))).toBe(false);
    const reasons = events.flatMap((e) => (e.type === "permission-decision" ? [e.reason ?? ""] : []));
    expect(reasons[0]).toMatch(/permissions: \{ allow: \["Bash\(touch PWNED:\*\)"\] \}.*canUseTool/);
    expect(reasons[1]).toMatch(/permissions: \{ allow: \["Edit\(\/unasked\.txt\)"\] \}.*"acceptEdits"/);
  });

  it("an Agent's own cwd wins: the session's CLI starts there", async () => {
    const elsewhere = tempDir("elsewhere");
    scriptCalls([{ name: "Bash", input: { command: "touch here.txt", description: "touch" } }]);
    const events = await turn({ cwd: elsewhere, permissions: { mode: "bypass" } }, "Touch");
    expect(decisions(events)).toEqual(["bash allow/mode"]);
    expect(existsSync(join(elsewhere, "here.txt"))).toBe(true);
    expect(existsSync(join(cwd, "here.txt"))).toBe(false);
  });
});
