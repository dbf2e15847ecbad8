import {
  type AgentEvent,
  type AgentEventBody,
  ArkyError,
  type AssistantMessage,
  type Usage,
} from "../../src/protocol/index.js";

/** Test helpers that build realistic event logs for session tests. */

export function usage(inputTokens: number, outputTokens: number): Usage {
  return { inputTokens, outputTokens, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };
}

/** Stamps bodies with an envelope: seq from `firstSeq`, turn ids as given. */
export function stamp(
  sessionId: string,
  bodies: readonly AgentEventBody[],
  options: { firstSeq?: number; turnId?: string; parentToolCallId?: string } = {},
): AgentEvent[] {
  const first = options.firstSeq ?? 1;
  return bodies.map((body, i) => {
    const event = {
      ...body,
      sessionId,
      seq: first + i,
      timestamp: 1_800_000_000_000 + first + i,
      turnId: body.type === "session-start" ? undefined : (options.turnId ?? "turn_1"),
    } as AgentEvent;
    if (options.parentToolCallId !== undefined) event.parentToolCallId = options.parentToolCallId;
    return event;
  });
}

const toolCallMessage: AssistantMessage = {
  role: "assistant",
  content: [
    { type: "thinking", thinking: "Need the weather in Zürich 🌦", signature: "sig_abc" },
    { type: "text", text: "Let me check." },
    { type: "tool-use", id: "toolu_1", name: "weather", input: { city: "Zürich", days: [1, 2] } },
  ],
};

const answerMessage: AssistantMessage = {
  role: "assistant",
  content: [{ type: "text", text: "Sunny, 21°C." }],
};

/**
 * One complete turn with a tool call: 11 events, deltas at positions 4, 5 and 8 (1-based),
 * a `turn-end` with the given usage and cost last.
 */
export function toolTurn(
  prompt: string,
  turnUsage: Usage = usage(100, 20),
  costUsd: number | undefined = 0.01,
): AgentEventBody[] {
  const stop = { unified: "tool-use" as const, raw: "tool_use" };
  return [
    { type: "session-start", runtime: "native", model: "claude-sonnet-4-5", cwd: "/work" },
    {
      type: "turn-start",
      input: {
        role: "user",
        content: [
          { type: "text", text: prompt },
          { type: "image", source: { type: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
        ],
      },
    },
    { type: "message-start", messageId: "msg_1", role: "assistant", model: "claude-sonnet-4-5" },
    { type: "message-delta", messageId: "msg_1", delta: { kind: "text", index: 1, text: "Let me " } },
    { type: "message-delta", messageId: "msg_1", delta: { kind: "text", index: 1, text: "check." } },
    {
      type: "message-end",
      messageId: "msg_1",
      message: toolCallMessage,
      stopReason: stop,
      usage: usage(60, 10),
    },
    { type: "tool-execution-start", toolCallId: "toolu_1", toolName: "weather", input: { city: "Zürich" } },
    { type: "tool-execution-update", toolCallId: "toolu_1", toolName: "weather", update: { pct: 50 } },
    {
      type: "tool-execution-end",
      toolCallId: "toolu_1",
      toolName: "weather",
      result: { type: "tool-result", toolUseId: "toolu_1", content: [{ type: "text", text: "sunny 21" }] },
      durationMs: 12,
    },
    {
      type: "message-end",
      messageId: "msg_2",
      message: answerMessage,
      stopReason: { unified: "end-turn", raw: "end_turn" },
      usage: usage(40, 10),
    },
    {
      type: "turn-end",
      stopReason: { unified: "end-turn", raw: "end_turn" },
      usage: turnUsage,
      costUsd,
      durationMs: 250,
      modelCalls: 2,
    },
  ];
}

/** A second, text-only turn (no session-start): 4 events. */
export function textTurn(
  prompt: string,
  turnUsage: Usage = usage(10, 5),
  costUsd: number | undefined = 0.002,
) {
  const bodies: AgentEventBody[] = [
    { type: "turn-start", input: { role: "user", content: [{ type: "text", text: prompt }] } },
    { type: "message-delta", messageId: "msg_3", delta: { kind: "text", index: 0, text: "O" } },
    {
      type: "message-end",
      messageId: "msg_3",
      message: { role: "assistant", content: [{ type: "text", text: "OK" }] },
      stopReason: { unified: "end-turn", raw: "end_turn" },
      usage: turnUsage,
    },
    {
      type: "turn-end",
      stopReason: { unified: "end-turn", raw: "end_turn" },
      usage: turnUsage,
      costUsd,
      durationMs: 5,
      modelCalls: 1,
    },
  ];
  return bodies;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Awaits a promise (or an async iteration) that must fail with an ArkyError of `code`. */
export async function expectArkyError(promise: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (!caught) throw new Error(`expected an ArkyError ${code}, but nothing was thrown`);
  if (!ArkyError.isArkyError(caught)) throw new Error(`expected an ArkyError ${code}, got ${String(caught)}`);
  if (caught.code !== code) throw new Error(`expected code ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A clock moved by hand, for the `now` option of stores and agents: no test sleeps to order writes. */
export function manualClock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance(ms = 1) {
      time += ms;
    },
  };
}

/** The `store` ArkyError `fn` throws (anything else is rethrown; no throw fails). */
export function storeError(fn: () => unknown): ArkyError {
  try {
    fn();
  } catch (error) {
    if (ArkyError.isArkyError(error) && error.code === "store") return error;
    throw error;
  }
  throw new Error("expected a store error");
}
