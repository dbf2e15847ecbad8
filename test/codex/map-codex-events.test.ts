import { describe, expect, it } from "vitest";
import { classifyCodexTurnError, codexRpcError } from "../../src/providers/codex/codex-errors.js";
import { unwrapShell } from "../../src/providers/codex/codex-items.js";
import { CodexTurnMapper, codexUsage } from "../../src/providers/codex/map-codex-events.js";

// Shapes recorded from codex-cli 0.169.0 (protocols/codex.md §5, §6, §8, §10).
const T = { threadId: "THR", turnId: "TURN" };
const agentItem = (text: string) => ({ type: "agentMessage", id: "msg_resp_1", text, phase: null });
const commandItem = (extra: Record<string, unknown>) => ({
  type: "commandExecution",
  id: "call_resp_1",
  command: "/bin/bash -lc 'echo hi'",
  cwd: "/work",
  commandActions: [{ type: "unknown", command: "echo hi" }],
  aggregatedOutput: null,
  exitCode: null,
  ...extra,
});

function mapper() {
  let now = 0;
  return new CodexTurnMapper({ model: "gpt-test", bridgeServer: "arky", now: () => (now += 10) });
}

describe("CodexTurnMapper", () => {
  it("maps a streamed agent message and token usage to message and usage events", () => {
    const m = mapper();
    const events = [
      ...m.map("item/started", { ...T, item: agentItem("") }),
      ...m.map("item/agentMessage/delta", { ...T, itemId: "msg_resp_1", delta: "Hello " }),
      ...m.map("item/agentMessage/delta", { ...T, itemId: "msg_resp_1", delta: "world" }),
      ...m.map("item/completed", { ...T, item: agentItem("Hello world") }),
      ...m.map("thread/tokenUsage/updated", {
        ...T,
        tokenUsage: {
          total: { totalTokens: 107, inputTokens: 100, cachedInputTokens: 20, outputTokens: 7 },
          last: {
            totalTokens: 107,
            inputTokens: 100,
            cachedInputTokens: 20,
            cacheWriteInputTokens: 0,
            outputTokens: 7,
          },
          modelContextWindow: 258400,
        },
      }),
      ...m.complete({ id: "TURN", status: "completed", error: null }),
    ];
    expect(events.map((e) => e.type)).toEqual([
      "message-start",
      "message-delta",
      "message-delta",
      "message-end",
      "usage",
      "turn-end",
    ]);
    expect(events[3]).toMatchObject({ message: { content: [{ type: "text", text: "Hello world" }] } });
    expect(events.at(-1)).toMatchObject({
      type: "turn-end",
      stopReason: { unified: "end-turn", raw: "completed" },
      usage: { inputTokens: 80, cacheReadInputTokens: 20, outputTokens: 7 },
      modelCalls: 1,
    });
    expect(m.finished).toBe(true);
    expect(m.map("item/agentMessage/delta", { ...T, itemId: "x", delta: "late" })).toEqual([]);
  });

  it("emits the full text as one delta when an agent message completes without deltas", () => {
    const m = mapper();
    const events = m.map("item/completed", { ...T, item: agentItem("Minimal text reply.") });
    expect(events.map((e) => e.type)).toEqual(["message-start", "message-delta", "message-end"]);
    expect(events[1]).toMatchObject({ delta: { kind: "text", text: "Minimal text reply." } });
  });

  it("maps a command execution: tool-use message, start at first output, updates, end with output", () => {
    const m = mapper();
    const started = m.map("item/started", { ...T, item: commandItem({ status: "inProgress" }) });
    expect(started.map((e) => e.type)).toEqual(["message-start", "message-end"]);
    expect(started[1]).toMatchObject({
      message: {
        content: [
          { type: "tool-use", id: "call_resp_1", name: "exec_command", input: { command: "echo hi" } },
        ],
      },
    });
    const output = m.map("item/commandExecution/outputDelta", { ...T, itemId: "call_resp_1", delta: "hi\n" });
    expect(output.map((e) => e.type)).toEqual(["tool-execution-start", "tool-execution-update"]);
    const done = m.map("item/completed", {
      ...T,
      item: commandItem({ status: "completed", aggregatedOutput: "hi\n", exitCode: 0, durationMs: 915 }),
    });
    expect(done).toEqual([
      {
        type: "tool-execution-end",
        toolCallId: "call_resp_1",
        toolName: "exec_command",
        result: { type: "tool-result", toolUseId: "call_resp_1", content: [{ type: "text", text: "hi\n" }] },
        durationMs: 915,
      },
    ]);
  });

  it("reports a declined command as a denied error result without a start", () => {
    const m = mapper();
    m.map("item/started", { ...T, item: commandItem({ status: "inProgress" }) });
    const done = m.map("item/completed", { ...T, item: commandItem({ status: "declined" }) });
    expect(done.map((e) => e.type)).toEqual(["tool-execution-end"]);
    expect(done[0]).toMatchObject({ result: { isError: true }, error: { code: "tool-denied" } });
  });

  it("maps MCP tool calls of other servers and skips the bridge's own", () => {
    const m = mapper();
    const mcp = (server: string, status: string) => ({
      type: "mcpToolCall",
      id: `call_${server}`,
      server,
      tool: "read",
      status,
      arguments: { path: "a" },
      result: status === "completed" ? { content: [{ type: "text", text: "content" }] } : null,
      error: null,
    });
    expect(m.map("item/started", { ...T, item: mcp("arky", "inProgress") })).toEqual([]);
    expect(m.map("item/completed", { ...T, item: mcp("arky", "completed") })).toEqual([]);
    m.map("item/started", { ...T, item: mcp("files", "inProgress") });
    const end = m.map("item/completed", { ...T, item: mcp("files", "completed") });
    expect(end.at(-1)).toMatchObject({
      type: "tool-execution-end",
      toolName: "mcp/files/read",
      result: { content: [{ type: "text", text: "content" }] },
    });
  });

  it("closes open items on an interrupted turn and reports it as cancelled", () => {
    const m = mapper();
    m.map("item/started", { ...T, item: agentItem("") });
    m.map("item/agentMessage/delta", { ...T, itemId: "msg_resp_1", delta: "w0 " });
    m.map("item/started", { ...T, item: commandItem({ status: "inProgress" }) });
    const events = m.complete({ id: "TURN", status: "interrupted", error: null });
    expect(events.map((e) => e.type)).toEqual(["message-end", "tool-execution-end", "turn-end"]);
    expect(events[0]).toMatchObject({
      message: { content: [{ type: "text", text: "w0 " }] },
      stopReason: { unified: "cancelled" },
    });
    expect(events[1]).toMatchObject({ result: { isError: true } });
    expect(events[2]).toMatchObject({ stopReason: { unified: "cancelled", raw: "interrupted" } });
  });

  it("turns retry errors into retry events, drops partial text, and fails the turn with the classified error", () => {
    const m = mapper();
    m.map("item/started", { ...T, item: agentItem("") });
    m.map("item/agentMessage/delta", { ...T, itemId: "msg_resp_1", delta: "partial" });
    const retry = m.map("error", {
      ...T,
      willRetry: true,
      error: {
        message: "Reconnecting... 1/5",
        codexErrorInfo: { responseStreamDisconnected: { httpStatusCode: null } },
        additionalDetails: "stream disconnected before completion: stream closed before response.completed",
      },
    });
    expect(retry.map((e) => e.type)).toEqual(["message-end", "retry"]);
    expect(retry[0]).toMatchObject({ message: { content: [] } });
    expect(retry[1]).toMatchObject({ attempt: 1, maxAttempts: 5, error: { code: "malformed-response" } });
    const finalError = {
      message: "exceeded retry limit, last status: 429 Too Many Requests",
      codexErrorInfo: { responseTooManyFailedAttempts: { httpStatusCode: 429 } },
      additionalDetails: null,
    };
    expect(m.map("error", { ...T, willRetry: false, error: finalError })).toEqual([]);
    const end = m.complete({ id: "TURN", status: "failed", error: finalError });
    expect(end.map((e) => e.type)).toEqual(["error", "turn-end"]);
    expect(end[0]).toMatchObject({ fatal: true, error: { code: "rate-limited", httpStatus: 429 } });
    expect(end[1]).toMatchObject({ stopReason: { unified: "error" }, error: { code: "rate-limited" } });
  });

  it("aborts once, with the given error", () => {
    const m = mapper();
    const error = codexRpcError("turn/start", { code: -32600, message: "thread not found: x" });
    expect(m.abort("error", error).map((e) => e.type)).toEqual(["error", "turn-end"]);
    expect(m.abort("cancelled")).toEqual([]);
  });

  it("ignores unknown notifications", () => {
    expect(mapper().map("thread/goal/cleared", { threadId: "THR" })).toEqual([]);
  });

  it("converts usage with cached input counted apart", () => {
    expect(
      codexUsage({ inputTokens: 100, cachedInputTokens: 30, cacheWriteInputTokens: 5, outputTokens: 9 }),
    ).toEqual({
      inputTokens: 70,
      outputTokens: 9,
      cacheReadInputTokens: 30,
      cacheCreationInputTokens: 5,
    });
  });
});

describe("classifyCodexTurnError", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      "500",
      { message: "We’re currently experiencing high demand", codexErrorInfo: "internalServerError" },
      "server-error",
    ],
    [
      "503",
      { message: "unexpected status 503", codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 503 } } },
      "overloaded",
    ],
    [
      "401",
      {
        message: "unexpected status 401 Unauthorized",
        codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 401 } },
      },
      "authentication",
    ],
    [
      "400 body",
      {
        message: '{"error":{"message":"Bad request (fake)","type":"invalid_request_error"}}',
        codexErrorInfo: "other",
      },
      "invalid-request",
    ],
    [
      "malformed SSE",
      {
        message: "stream disconnected before completion: stream closed before response.completed",
        codexErrorInfo: "other",
      },
      "malformed-response",
    ],
    [
      "idle",
      {
        message: "stream disconnected before completion: idle timeout waiting for SSE",
        codexErrorInfo: "other",
      },
      "timeout",
    ],
    [
      "missing key",
      { message: "Missing environment variable: `FAKE_KEY`.", codexErrorInfo: "other" },
      "authentication",
    ],
    ["context", { message: "too long", codexErrorInfo: "contextWindowExceeded" }, "context-overflow"],
    ["unknown", { message: "something else", codexErrorInfo: "other" }, "unknown"],
  ];
  it.each(cases)("classifies %s", (_name, error, code) => {
    expect(classifyCodexTurnError(error as never).code).toBe(code);
  });

  it("classifies JSON-RPC errors: unknown threads as session-not-found, the rest as invalid-request", () => {
    expect(
      codexRpcError("thread/resume", { code: -32600, message: "no rollout found for thread id x" }).code,
    ).toBe("session-not-found");
    expect(
      codexRpcError("no/such", { code: -32600, message: "Invalid request: unknown variant" }),
    ).toMatchObject({
      code: "invalid-request",
      details: { method: "no/such", rpcCode: -32600 },
    });
  });
});

describe("unwrapShell", () => {
  it("returns the script inside Codex's login-shell wrapper, unquoted", () => {
    expect(unwrapShell("/bin/bash -lc 'echo a > b.txt && echo c'")).toBe("echo a > b.txt && echo c");
    expect(unwrapShell(`/bin/bash -lc 'echo '\\''quoted'\\'''`)).toBe("echo 'quoted'");
    expect(unwrapShell("ls -la")).toBe("ls -la");
  });

  it("uses the unwrapped script as the command input of a multi-action command", () => {
    const m = new CodexTurnMapper({ model: "m" });
    const events = m.map("item/started", {
      ...T,
      item: {
        type: "commandExecution",
        id: "c",
        command: "/bin/bash -lc 'cd x && ls'",
        cwd: "/w",
        commandActions: [{ command: "cd x" }, { command: "ls" }],
        status: "inProgress",
      },
    });
    expect(events[1]).toMatchObject({
      message: { content: [{ input: { command: "cd x && ls", cwd: "/w" } }] },
    });
  });

  it("gives a command the input bash takes: cwd only when it is not the session's folder", () => {
    const item = (id: string, cwd: string) => ({
      ...T,
      item: { type: "commandExecution", id, command: "ls", cwd, status: "inProgress" },
    });
    const m = new CodexTurnMapper({ model: "m", cwd: "/w" });
    const inSession = m.map("item/started", item("a", "/w"))[1];
    const elsewhere = m.map("item/started", item("b", "/elsewhere"))[1];
    expect(inSession).toMatchObject({ message: { content: [{ input: { command: "ls" } }] } });
    expect(JSON.stringify(inSession)).not.toContain("cwd");
    expect(elsewhere).toMatchObject({
      message: { content: [{ input: { command: "ls", cwd: "/elsewhere" } }] },
    });
  });
});
