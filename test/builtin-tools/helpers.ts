import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { type CodingToolsOptions, codingTools } from "../../src/tools/builtin/index.js";
import { executeToolCall, type ToolCallOutcome, ToolRegistry } from "../../src/tools/index.js";

const made: string[] = [];

/** A fresh real temp folder, removed after the test. */
export async function tempDir(prefix = "arky-tools-"): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Calls one tool of the harness's registry. */
export type CallTool = (name: string, input: unknown, signal?: AbortSignal) => Promise<ToolCallOutcome>;

/** A registry of the coding tools and a function that calls one of them. */
export async function harness(
  options: CodingToolsOptions,
): Promise<{ registry: ToolRegistry; call: CallTool }> {
  const registry = new ToolRegistry(await codingTools(options));
  let n = 0;
  const call = (
    name: string,
    input: unknown,
    signal = new AbortController().signal,
  ): Promise<ToolCallOutcome> => executeToolCall(registry, { id: `call_${++n}`, name, input }, { signal });
  return { registry, call };
}

/** The text of an outcome's result. */
export function textOf(outcome: ToolCallOutcome): string {
  return outcome.result.content
    .map((block) => (block.type === "text" ? block.text : `[${block.type}]`))
    .join("");
}
