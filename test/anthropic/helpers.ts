import type { ModelRequest, ModelStreamEvent } from "../../src/provider/index.js";
import type { AnthropicProviderOptions } from "../../src/providers/anthropic/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import {
  type ScriptedModelServer,
  type ScriptStep,
  startScriptedModelServer,
} from "../../src/testing/index.js";

/** A server plus a provider pointed at it. */
export async function setup(script: ScriptStep[], options: Partial<AnthropicProviderOptions> = {}) {
  const server = await startScriptedModelServer({ script });
  const provider = anthropic({
    model: "claude-test",
    apiKey: "sk-test",
    baseURL: server.baseUrl,
    ...options,
  });
  return { server, provider };
}

/** Collects a whole stream. */
export async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
  const out: ModelStreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

/** The one terminal event (and checks there is exactly one, last). */
export function terminal(events: ModelStreamEvent[]) {
  const terminals = events.filter((e) => e.type === "finish" || e.type === "error");
  if (terminals.length !== 1 || events.at(-1) !== terminals[0])
    throw new Error(`expected exactly one terminal event, last; got ${events.map((e) => e.type).join(",")}`);
  return terminals[0]!;
}

export function finishOf(events: ModelStreamEvent[]) {
  const t = terminal(events);
  if (t.type !== "finish") throw new Error(`expected finish, got error: ${t.error.code} ${t.error.message}`);
  return t;
}

export function errorOf(events: ModelStreamEvent[]) {
  const t = terminal(events);
  if (t.type !== "error") throw new Error("expected an error event, got finish");
  return t;
}

export function textOf(events: ModelStreamEvent[]): string {
  return events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");
}

export const hello: ModelRequest = {
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
};

/** The body of the n-th recorded request. */
export function bodyOf(server: ScriptedModelServer, n = 0): Record<string, unknown> {
  return server.requests[n]!.body as Record<string, unknown>;
}
