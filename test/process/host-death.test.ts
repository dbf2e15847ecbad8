import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Descendant, findDescendants } from "../../src/process/index.js";
import type { ScriptStep } from "../../src/testing/index.js";
import { textReply, toolCallReply } from "../../src/testing/index.js";
import { cliOptions, startServer } from "../claude-code/harness.js";
import { type CodexFixture, codexFixture } from "../codex/helpers.js";

// Host death of any kind — SIGKILL, SIGTERM, process.exit() — mid-turn, with the model slow
// or with a long shell command running, leaves no process of the session's tree after 5 s.
// ARKY_TRIALS=full runs the 10 trials per case (120 in all); the default runs 1.

const SCRIPT = fileURLToPath(new URL("./fixtures/dying-host.ts", import.meta.url));
const TRIALS = process.env.ARKY_TRIALS === "full" ? 10 : Number(process.env.ARKY_TRIALS ?? 1);
const DEATHS = ["SIGKILL", "SIGTERM", "exit"] as const;
type Death = (typeof DEATHS)[number];
type Situation = "slow-model" | "long-command";

function stat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0]!, startTime: fields[19]! };
  } catch {
    return undefined;
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Processes whose command line holds `marker` (the shell running the long command). */
function withMarker(marker: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return (
          readFileSync(`/proc/${name}/cmdline`, "utf8").includes(marker) && stat(Number(name))?.state !== "Z"
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

function survivors(tree: readonly Descendant[], marker: string): number[] {
  const left = tree.filter((d) => {
    const now = stat(d.pid);
    return now !== undefined && now.startTime === d.startTime && now.state !== "Z";
  });
  return [...new Set([...left.map((d) => d.pid), ...withMarker(marker)])];
}

async function until<T>(probe: () => T | undefined, ms: number): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs one trial: returns the pids of the session's tree still alive 5 s after the host died. */
async function trial(
  kind: "claude-code" | "codex",
  options: object,
  situation: Situation,
  death: Death,
  marker: string,
  requests: () => number,
): Promise<{ tree: number; left: number[] }> {
  const before = requests();
  const host: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", SCRIPT, JSON.stringify({ kind, options })],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = once(host, "exit");
  try {
    const ready = () => {
      const tree = findDescendants(host.pid!);
      if (situation === "long-command") return tree.some((d) => comm(d.pid) === "sleep") ? tree : undefined;
      return requests() > before && tree.length > 0 ? tree : undefined;
    };
    const tree = await until(ready, 60_000);
    expect(tree, "the turn never got under way").toBeDefined();
    if (death === "exit") host.stdin!.write("exit\n");
    else host.kill(death);
    await exited;
    const left = await until(() => (survivors(tree!, marker).length === 0 ? [] : undefined), 5000);
    return { tree: tree!.length, left: left ?? survivors(tree!, marker) };
  } finally {
    host.kill("SIGKILL");
  }
}

function answers(situation: Situation, marker: string, name: string, input: (cmd: string) => object) {
  return (body: unknown): ScriptStep => {
    if (situation === "slow-model") return textReply("late", { delayMs: 120_000 });
    if (JSON.stringify(body).includes(marker) && JSON.stringify(body).includes("output"))
      return textReply("done");
    return toolCallReply(name, input(`timeout 400 sleep 300; echo ${marker}`));
  };
}

const cases = DEATHS.flatMap((death) =>
  (["slow-model", "long-command"] as const).map((situation) => ({ death, situation })),
);

describe.skipIf(process.platform !== "linux")("host death on Claude Code", () => {
  let harness: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    harness = await startServer();
  });
  afterAll(() => harness.server.close());

  it.each(cases)(
    "$death with $situation leaves no process ($#)",
    async ({ death, situation }) => {
      for (let i = 0; i < TRIALS; i++) {
        const marker = `arky-host-death-${process.pid}-${Date.now()}`;
        harness.answer((request) =>
          answers(situation, marker, "Bash", (command) => ({ command, description: "wait" }))(request.body),
        );
        const options = cliOptions(harness.server.baseUrl, { graceMs: 500 });
        const outcome = await trial(
          "claude-code",
          options,
          situation,
          death,
          marker,
          () => harness.modelCalls().length,
        );
        expect(outcome.left, `trial ${i + 1}: ${outcome.tree} processes in the tree`).toEqual([]);
      }
    },
    60_000 + TRIALS * 30_000,
  );
});

describe.skipIf(process.platform !== "linux")("host death on Codex", () => {
  let fixture: CodexFixture;
  let script: (body: unknown) => ScriptStep = () => textReply("unused");
  beforeAll(async () => {
    fixture = await codexFixture((request) => script(request.body));
  });
  afterAll(() => fixture.cleanup());

  it.each(cases)(
    "$death with $situation leaves no process ($#)",
    async ({ death, situation }) => {
      for (let i = 0; i < TRIALS; i++) {
        const marker = `arky-host-death-${process.pid}-${Date.now()}`;
        script = answers(situation, marker, "exec_command", (cmd) => ({ cmd }));
        const requests = () => fixture.server.requests.length;
        const outcome = await trial("codex", fixture.options(), situation, death, marker, requests);
        expect(outcome.left, `trial ${i + 1}: ${outcome.tree} processes in the tree`).toEqual([]);
      }
    },
    60_000 + TRIALS * 30_000,
  );
});
