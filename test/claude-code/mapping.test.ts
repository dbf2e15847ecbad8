import { describe, expect, it } from "vitest";
import { claudeCodeHints } from "../../src/providers/claude-code/claude-code-errors.js";
import { cliLineSchema, type ResultLine } from "../../src/providers/claude-code/claude-code-messages.js";
import { claudeCodeBackends } from "../../src/providers/claude-code/index.js";
import { ClaudeCodeEventMapper } from "../../src/providers/claude-code/map-claude-code-events.js";
import { mapClaudeCodeResult } from "../../src/providers/claude-code/map-claude-code-result.js";
import { ToolCallTracker } from "../../src/providers/claude-code/tool-call-tracker.js";

const context = {
  interrupted: false,
  previousCostUsd: 0.5,
  modelCalls: 2,
  durationMs: 10,
  stderrTail: "tail",
};

function result(fields: Partial<ResultLine>): ResultLine {
  return cliLineSchema.parse({
    type: "result",
    subtype: "success",
    is_error: false,
    ...fields,
  }) as ResultLine;
}

describe("mapClaudeCodeResult", () => {
  it("turns a success into turn-end with usage and the cost of this turn only", () => {
    const [end] = mapClaudeCodeResult(
      result({
        stop_reason: "end_turn",
        total_cost_usd: 0.75,
        usage: { input_tokens: 100, output_tokens: 12 },
      }),
      context,
    );
    expect(end).toMatchObject({
      type: "turn-end",
      stopReason: { unified: "end-turn", raw: "end_turn" },
      usage: { inputTokens: 100, outputTokens: 12, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
      costUsd: 0.25,
      modelCalls: 2,
    });
  });

  it("maps max turns to its stop reason without an error (as the native loop), a budget result to its code", () => {
    const turns = mapClaudeCodeResult(
      result({
        subtype: "error_max_turns",
        is_error: true,
        terminal_reason: "max_turns",
        stop_reason: "tool_use",
      }),
      context,
    );
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({
      type: "turn-end",
      stopReason: { unified: "max-turns", raw: "max_turns" },
    });
    expect(turns[0]).not.toHaveProperty("error");
    const budget = mapClaudeCodeResult(result({ subtype: "error_max_budget_usd", is_error: true }), context);
    expect(budget[0]).toMatchObject({
      type: "error",
      fatal: true,
      error: { details: { stderrTail: "tail" } },
    });
    expect(budget[1]).toMatchObject({
      stopReason: { unified: "budget-exceeded" },
      error: { code: "budget-exceeded" },
    });
  });

  it("classifies API errors with the shared classifier", () => {
    const [error] = mapClaudeCodeResult(
      result({
        is_error: true,
        terminal_reason: "api_error",
        api_error_status: 529,
        api_error_type: "overloaded_error",
        result: "API Error: Repeated 529 Overloaded errors",
      }),
      context,
    );
    expect(error).toMatchObject({ error: { code: "overloaded", httpStatus: 529, retryable: true } });
  });

  it("names the credentials of the backend in use in an authentication error's correction", () => {
    const failed = result({
      is_error: true,
      terminal_reason: "api_error",
      api_error_status: 401,
      result: "401",
    });
    const [own] = mapClaudeCodeResult(failed, context);
    expect(own).toMatchObject({
      error: { code: "authentication", correction: expect.stringContaining("ANTHROPIC_API_KEY") },
    });
    const hints = claudeCodeHints(claudeCodeBackends.bedrock({ region: "us-east-1" }));
    const [bedrock] = mapClaudeCodeResult(failed, { ...context, hints });
    expect(bedrock).toMatchObject({
      error: { code: "authentication", correction: expect.stringContaining("bedrock") },
    });
    expect(bedrock?.type === "error" && bedrock.error.correction).not.toContain("ANTHROPIC_API_KEY");
  });

  it("counts the usage the turn's events reported when an interrupted result reports none", () => {
    const reportedUsage = {
      inputTokens: 1234,
      outputTokens: 1,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
    };
    const [end] = mapClaudeCodeResult(
      result({ subtype: "error_during_execution", is_error: true, terminal_reason: "aborted_streaming" }),
      { ...context, interrupted: true, reportedUsage },
    );
    expect(end).toMatchObject({ type: "turn-end", usage: reportedUsage });
  });

  it("reports an interrupt the host asked for as cancelled, without an error event", () => {
    const events = mapClaudeCodeResult(
      result({ subtype: "error_during_execution", is_error: true, terminal_reason: "aborted_streaming" }),
      { ...context, interrupted: true },
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      stopReason: { unified: "cancelled", raw: "aborted_streaming" },
      error: { code: "cancelled" },
    });
  });

  it("reports an unexplained error result as unknown with its diagnostics", () => {
    const [error] = mapClaudeCodeResult(
      result({ subtype: "error_during_execution", is_error: true, errors: ["[ede_diagnostic] x"] }),
      context,
    );
    expect(error).toMatchObject({ error: { code: "unknown", details: { errors: ["[ede_diagnostic] x"] } } });
  });
});

describe("ClaudeCodeEventMapper", () => {
  const line = (value: unknown) => cliLineSchema.parse(value);

  it("maps a whole (non-streamed) sub-agent message and attributes it", () => {
    const tracker = new ToolCallTracker((n) => n);
    const mapper = new ClaudeCodeEventMapper(tracker);
    const { events } = mapper.map(
      line({
        type: "assistant",
        parent_tool_use_id: "toolu_parent",
        message: {
          id: "msg_1",
          model: "claude-sonnet-4-5",
          content: [{ type: "tool_use", id: "toolu_child", name: "Read", input: { file_path: "/x" } }],
        },
      }),
    );
    expect(events.map((e) => e.type)).toEqual(["message-start", "message-end", "usage"]);
    expect(events.every((e) => e.parentToolCallId === "toolu_parent")).toBe(true);
    expect(tracker.parentOf("toolu_child")).toBe("toolu_parent");
  });

  it("skips synthetic API-error messages and reports retries", () => {
    const mapper = new ClaudeCodeEventMapper(new ToolCallTracker((n) => n));
    expect(
      mapper.map(
        line({
          type: "assistant",
          message: { id: "m", model: "<synthetic>", content: [{ type: "text", text: "API Error" }] },
        }),
      ).events,
    ).toEqual([]);
    const { events } = mapper.map(
      line({
        type: "system",
        subtype: "api_retry",
        attempt: 1,
        max_retries: 2,
        retry_delay_ms: 500,
        error_status: 529,
        error: "overloaded",
      }),
    );
    expect(events).toEqual([
      {
        type: "retry",
        attempt: 1,
        maxAttempts: 2,
        delayMs: 500,
        error: expect.objectContaining({ code: "overloaded" }),
      },
    ]);
  });

  it("links sub-agent ids to the tool call that started them", () => {
    const tracker = new ToolCallTracker((n) => n);
    new ClaudeCodeEventMapper(tracker).map(
      line({ type: "system", subtype: "task_started", task_id: "agent_1", tool_use_id: "toolu_task" }),
    );
    expect(tracker.parentOfAgent("agent_1")).toBe("toolu_task");
  });

  it("collects tool results of user lines, once per call", () => {
    const tracker = new ToolCallTracker((n) => n);
    tracker.see("toolu_1", "Bash", {});
    const mapper = new ClaudeCodeEventMapper(tracker);
    const toolLine = line({
      type: "user",
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "hi", is_error: false }],
      },
    });
    expect(mapper.map(toolLine).toolResults).toEqual([
      {
        toolCallId: "toolu_1",
        result: { type: "tool-result", toolUseId: "toolu_1", content: [{ type: "text", text: "hi" }] },
      },
    ]);
  });
});

describe("tool progress", () => {
  it("turns a CLI tool heartbeat into a tool-execution-update", () => {
    const tracker = new ToolCallTracker((n) => n);
    tracker.see("toolu_1", "Bash", {});
    const { events } = new ClaudeCodeEventMapper(tracker).map(
      cliLineSchema.parse({
        type: "tool_progress",
        tool_use_id: "toolu_1-heartbeat-0",
        tool_name: "Bash",
        parent_tool_use_id: "toolu_1",
        elapsed_time_seconds: 30,
        heartbeat: true,
      }),
    );
    expect(events).toEqual([
      {
        type: "tool-execution-update",
        toolCallId: "toolu_1",
        toolName: "Bash",
        update: { elapsedSeconds: 30 },
      },
    ]);
  });
});

describe("cliLineSchema", () => {
  it("accepts unknown line types and refuses a known type of the wrong shape", () => {
    expect(cliLineSchema.safeParse({ type: "keep_alive" }).success).toBe(true);
    expect(cliLineSchema.safeParse({ type: "assistant", message: "nope" }).success).toBe(false);
    expect(cliLineSchema.safeParse({ type: "result", subtype: "success" }).success).toBe(false);
  });
});
