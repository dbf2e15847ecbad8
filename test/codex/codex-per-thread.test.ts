import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import { allowAllGuard } from "../../src/permissions/index.js";
import { createTurnTools } from "../../src/provider/index.js";
import { type CodexRuntime, codex } from "../../src/providers/codex/index.js";
import type { RecordedRequest } from "../../src/testing/index.js";
import { textReply, toolCallReply } from "../../src/testing/index.js";
import { ToolRegistry } from "../../src/tools/index.js";
import {
  type CodexFixture,
  codexFixture,
  codexProcesses,
  collect,
  inputText,
  lastInput,
  lastUserText,
  ofType,
} from "./helpers.js";

// "TOUCH <file>" runs `touch <file>`; a tool result back gets "done"; anything else an echo.
let fx: CodexFixture;
let runtime: CodexRuntime;
let dirA: string;
let dirB: string;
beforeAll(async () => {
  fx = await codexFixture((request) => {
    if ((lastInput(request.body) as { type?: string } | undefined)?.type === "function_call_output")
      return textReply("done");
    const text = lastUserText(request.body);
    const file = /^TOUCH (\S+)$/.exec(text)?.[1];
    return file ? toolCallReply("exec_command", { cmd: `touch ${file}` }) : textReply(`echo: ${text}`);
  });
  // Outside the runtime's own cwd (fx.work), so only a per-session cwd puts files there.
  dirA = join(fx.home, "..", "folder-a");
  dirB = join(fx.home, "..", "folder-b");
  mkdirSync(dirA);
  mkdirSync(dirB);
  runtime = fx.runtime();
});
afterAll(async () => {
  await fx.cleanup();
  expect(codexProcesses(fx.home)).toEqual([]);
});

/** The recorded requests whose last user message is `prompt`. */
const requestsFor = (prompt: string): RecordedRequest[] =>
  fx.server.requests.filter((r) => lastUserText(r.body) === prompt);
const effortOf = (request: RecordedRequest) =>
  (request.body as { reasoning?: { effort?: unknown } }).reasoning?.effort;

describe("CodexRuntime per-thread cwd and reasoning effort", () => {
  it("runs each Agent's commands in its own cwd; an Agent without one uses the runtime's", async () => {
    const permissions = { mode: "bypass" } as const;
    const a = new Agent({ runtime, cwd: dirA, permissions });
    const b = new Agent({ runtime, cwd: dirB, permissions });
    const plain = new Agent({ runtime, permissions });
    const [ra, rb, rp] = await Promise.all([
      a.prompt("TOUCH here-a.txt"),
      b.prompt("TOUCH here-b.txt"),
      plain.prompt("TOUCH here-default.txt"),
    ]);
    for (const result of [ra, rb, rp]) expect(result.text).toBe("done");
    // Three first turns at once started one app server, not one each.
    const mine = new Set(codexProcesses(fx.home));
    expect(codexProcesses().filter((pid) => mine.has(pid))).toHaveLength(1);
    expect(existsSync(join(dirA, "here-a.txt"))).toBe(true);
    expect(existsSync(join(dirB, "here-b.txt"))).toBe(true);
    expect(existsSync(join(fx.work, "here-default.txt"))).toBe(true);
    expect(existsSync(join(dirA, "here-b.txt")) || existsSync(join(dirB, "here-a.txt"))).toBe(false);
    expect(existsSync(join(fx.work, "here-a.txt")) || existsSync(join(fx.work, "here-b.txt"))).toBe(false);
    // Codex tells the model where it is: each thread's environment context names its folder.
    expect(inputText(requestsFor("TOUCH here-a.txt")[0]!.body)).toContain(dirA);
    expect(inputText(requestsFor("TOUCH here-b.txt")[0]!.body)).toContain(dirB);
    await Promise.all([a.close(), b.close(), plain.close()]);
  });

  it("moves a session's thread to a new cwd when a later turn names another one", async () => {
    const turn = (turnId: string, text: string, cwd: string) =>
      collect(
        runtime.runTurn({
          sessionId: "moving",
          turnId,
          input: { role: "user", content: [{ type: "text", text }] },
          history: [],
          tools: new ToolRegistry([]),
          ...createTurnTools(new ToolRegistry([]), allowAllGuard),
          cwd,
          signal: new AbortController().signal,
        }),
      );
    const first = await turn("t1", "TOUCH moved-1.txt", dirA);
    const second = await turn("t2", "TOUCH moved-2.txt", dirB);
    for (const events of [first, second])
      expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    expect(ofType(second, "tool-execution-end")[0]?.result.isError).toBeUndefined();
    expect(existsSync(join(dirA, "moved-1.txt"))).toBe(true);
    expect(existsSync(join(dirB, "moved-2.txt"))).toBe(true);
    expect(existsSync(join(dirA, "moved-2.txt"))).toBe(false);
    await runtime.closeSession("moving");
  });

  it("sends a session's reasoning effort to the model API from its next turn on, and only for it", async () => {
    const a = new Agent({ runtime });
    const b = new Agent({ runtime });
    await a.prompt("effort before a");
    await runtime.setReasoningEffort(a.sessionId, "high");
    await Promise.all([a.prompt("effort after a"), b.prompt("effort after b")]);
    await a.prompt("effort later a");
    expect(effortOf(requestsFor("effort before a")[0]!)).toBeUndefined();
    expect(effortOf(requestsFor("effort after a")[0]!)).toBe("high");
    expect(effortOf(requestsFor("effort later a")[0]!)).toBe("high");
    expect(effortOf(requestsFor("effort after b")[0]!)).toBeUndefined();
    await runtime.setReasoningEffort(a.sessionId, "low");
    await a.prompt("effort lowered a");
    expect(effortOf(requestsFor("effort lowered a")[0]!)).toBe("low");
    await Promise.all([a.close(), b.close()]);
  });

  it("rejects an unknown reasoning effort with a configuration error, in options and per session", async () => {
    await expect(runtime.setReasoningEffort("any", "extreme" as never)).rejects.toMatchObject({
      code: "configuration",
      correction: expect.stringContaining("xhigh"),
    });
    expect(() => codex({ reasoningEffort: "max" as never })).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
    // A rejected effort leaves the session's turns as they were.
    const agent = new Agent({ runtime, sessionId: "any" });
    await agent.prompt("effort untouched");
    expect(effortOf(requestsFor("effort untouched")[0]!)).toBeUndefined();
    await agent.close();
  });
});
