import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RUNTIMES, useThreeRigs } from "./three-runtimes.js";

// A prompt-injected `env` in each runtime's shell tool: the model's commands see no API key
// (the host's, the CLI's or the provider's), no bridge token and no LC_ name that is not a
// locale category.
const HOST_KEY = "sk-ant-host-secret";
const SECRETS = [HOST_KEY, "sk-ant-test-key", "sk-test-key", "lc-secret-value"];

beforeAll(() => {
  process.env.ANTHROPIC_API_KEY = HOST_KEY;
  process.env.LC_SECRET = "lc-secret-value";
  return () => {
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.LC_SECRET;
  };
});
const rigs = useThreeRigs();

describe("the shell tool's environment holds no credentials", () => {
  it.each(RUNTIMES)("on %s", async (name) => {
    const rig = rigs[name];
    const { events } = await rig.run({ permissions: { mode: "bypass" } }, "env > shell-env.txt");
    expect(events.at(-1)).toMatchObject({ type: "turn-end" });
    const env = readFileSync(join(rig.cwd, "shell-env.txt"), "utf8");
    expect(env).toMatch(/^PATH=/m);
    for (const secret of SECRETS) expect(env, secret).not.toContain(secret);
    expect(env).not.toMatch(/^(ANTHROPIC_API_KEY|ARKY_CODEX_BRIDGE_TOKEN|LC_SECRET)=/m);
  });
});
