import { afterAll, beforeAll, expect } from "vitest";
import type { NativeRuntimeOptions } from "../../src/core/index.js";
import type { ClaudeCodeOptions } from "../../src/providers/claude-code/index.js";
import { claudePids } from "../claude-code/harness.js";
import { codexProcesses } from "../codex/helpers.js";
import { claudeCodeRig, codexRig, nativeRig, type Rig } from "./rigs.js";

/** The runtimes every conformance table runs on, in order. */
export const RUNTIMES = ["native", "claude-code", "codex"] as const;

/** One rig per runtime, for a whole test file. */
export interface ThreeRigs {
  native: Rig;
  "claude-code": Awaited<ReturnType<typeof claudeCodeRig>>;
  codex: Awaited<ReturnType<typeof codexRig>>;
}

/**
 * Starts the three rigs before the file's tests, one after another (two cores), and closes
 * them after, checking that no Claude Code or Codex process is left. The object is filled in
 * by `beforeAll`.
 */
export function useThreeRigs(
  options: { native?: NativeRuntimeOptions; claudeCode?: ClaudeCodeOptions } = {},
): ThreeRigs {
  const rigs = {} as ThreeRigs;
  beforeAll(async () => {
    rigs.native = await nativeRig(options.native);
    rigs["claude-code"] = await claudeCodeRig(options.claudeCode);
    rigs.codex = await codexRig();
  });
  afterAll(async () => {
    const configDir = rigs["claude-code"]?.configDir;
    const codexHome = rigs.codex?.fixture.home;
    for (const rig of Object.values(rigs)) await rig.close();
    if (configDir) expect(claudePids(configDir)).toEqual([]);
    if (codexHome) expect(codexProcesses(codexHome)).toEqual([]);
  });
  return rigs;
}
