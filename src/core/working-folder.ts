import { resolve } from "node:path";
import { ArkyError } from "../protocol/index.js";
import type { AgentRuntime } from "../provider/index.js";
import type { ToolRegistry } from "../tools/index.js";

/**
 * The one working folder of an Agent: the base of its permission rules and of
 * `acceptEdits`, where its runtime and tools work, and what `session-start` records.
 *
 * It is the Agent's `cwd` when given, else the runtime's (`claudeCode({ cwd })`,
 * `codex({ cwd })`), else the tools' (`codingTools({ cwd })`), else `process.cwd()`. An
 * explicit Agent `cwd` is passed to the runtime, which runs the session there. Tools cannot
 * move: tools whose folder differs from the Agent's or the runtime's, or tools of two
 * folders, are a `configuration` error naming both folders.
 */
export function workingFolder(
  cwd: string | undefined,
  runtime: Pick<AgentRuntime, "kind" | "cwd">,
  tools: ToolRegistry,
): string {
  const toolFolders = new Map<string, string>();
  for (const tool of tools.list()) {
    if (tool.cwd !== undefined && !toolFolders.has(resolve(tool.cwd)))
      toolFolders.set(resolve(tool.cwd), tool.name);
  }
  const [toolsFolder, ...others] = toolFolders.keys();
  if (toolsFolder !== undefined && others.length > 0)
    throw conflict(
      `the tools work in two folders: ${toolFolders.get(toolsFolder)} in ${toolsFolder}, ${toolFolders.get(others[0]!)} in ${others[0]}`,
      "Build the tools with one cwd (one codingTools({ cwd }) per Agent).",
    );
  if (toolsFolder !== undefined) {
    const tool = toolFolders.get(toolsFolder);
    if (cwd !== undefined && resolve(cwd) !== toolsFolder)
      throw conflict(
        `the Agent's cwd is ${resolve(cwd)} but its tools (${tool}) work in ${toolsFolder}`,
        "Give the Agent and codingTools() the same cwd, or leave the Agent's cwd out.",
      );
    if (cwd === undefined && runtime.cwd !== undefined && resolve(runtime.cwd) !== toolsFolder)
      throw conflict(
        `the ${runtime.kind} runtime works in ${resolve(runtime.cwd)} but the tools (${tool}) work in ${toolsFolder}`,
        "Give the runtime and codingTools() the same cwd.",
      );
  }
  return resolve(cwd ?? runtime.cwd ?? toolsFolder ?? process.cwd());
}

function conflict(what: string, correction: string): ArkyError {
  return new ArkyError({
    code: "configuration",
    message: `An Agent works in one folder, but ${what}.`,
    correction,
  });
}
