import { z } from "zod";
import {
  Agent,
  type AgentEvent,
  type NativeRuntimeOptions,
  native,
  type PermissionOptions,
  tool,
} from "../../src/index.js";
import { type ScriptedProviderOptions, scriptedProvider } from "../../src/testing/scripted-provider.js";
import type { Tool } from "../../src/tools/index.js";

/**
 * An agent on the native loop over an in-process scripted model. Its tools run unasked
 * (`permissions: { mode: "bypass" }`) unless `permissions` says otherwise.
 */
export function scriptedAgent(
  script: ScriptedProviderOptions["script"],
  options: {
    tools?: Tool[];
    runtime?: NativeRuntimeOptions;
    model?: string;
    permissions?: PermissionOptions;
  } = {},
) {
  const provider = scriptedProvider({ script, model: options.model ?? "claude-sonnet-4-5" });
  const agent = new Agent({
    runtime: native(provider, { retry: { initialDelayMs: 1, maxDelayMs: 50 }, ...options.runtime }),
    tools: options.tools ?? [],
    permissions: options.permissions ?? { mode: "bypass" },
  });
  return { agent, provider };
}

/** Collects every event of one streamed turn. */
export async function collect(iterable: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

export const types = (events: AgentEvent[]) => events.map((e) => e.type);

/** A read-only tool that adds two numbers. */
export const addTool = tool({
  name: "add",
  description: "Add two numbers",
  input: z.object({ a: z.number(), b: z.number() }),
  readOnly: true,
  execute: ({ a, b }) => String(a + b),
});
