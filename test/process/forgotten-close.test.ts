import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudePids, cliOptions, startServer } from "../claude-code/harness.js";
import { type CodexFixture, codexFixture, codexProcesses } from "../codex/helpers.js";
import { isAlive } from "./helpers.js";

// A script that forgets close() must still end once its work is done (an idle CLI and its
// pipes keep nothing alive), and must leave no CLI process behind (the exit handler kills
// the groups it still tracks).

const SCRIPT = fileURLToPath(new URL("./fixtures/forgetful-script.ts", import.meta.url));
/** How long a script may take to end after printing its answer. */
const EXIT_WITHIN_MS = 4000;

interface Outcome {
  code: number | null;
  text: string;
  pid: number;
  /** From the answer line to the exit. */
  exitedAfterMs: number;
}

async function runScript(args: object): Promise<Outcome> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, JSON.stringify(args)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  let answeredAt = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes("\n") && !answeredAt) answeredAt = Date.now();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(killer);
  const line = JSON.parse(out.trim().split("\n")[0] ?? "{}") as { text: string; pid: number };
  return { code, ...line, exitedAfterMs: answeredAt ? Date.now() - answeredAt : Number.NaN };
}

/** Polls `probe` until it returns an empty list (SIGKILL is delivered, not awaited), up to 3 s. */
async function settled(probe: () => number[]): Promise<number[]> {
  const deadline = Date.now() + 3000;
  let left = probe();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = probe();
  }
  return left;
}

/** Live (non-zombie) members of a process group, read from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(name));
    } catch {
      // Gone while we looked.
    }
  }
  return members;
}

describe("a script on Claude Code that never calls close()", () => {
  it("exits by itself after the answer and leaves no claude process", async () => {
    const { server } = await startServer();
    try {
      const options = cliOptions(server.baseUrl);
      const outcome = await runScript({ kind: "claude-code", options, mode: "no-close" });
      expect(outcome).toMatchObject({ code: 0, text: "default answer" });
      expect(outcome.exitedAfterMs).toBeLessThan(EXIT_WITHIN_MS);
      expect(await settled(() => groupMembers(outcome.pid))).toEqual([]);
      expect(isAlive(outcome.pid)).toBe(false);
      expect(await settled(() => claudePids(options.configDir))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 90_000);
});

describe("a script on Codex that never calls runtime.close()", () => {
  let fixture: CodexFixture;
  beforeAll(async () => {
    fixture = await codexFixture(() => ({ content: [{ type: "text", text: "codex answer" }] }));
  });
  afterAll(() => fixture.cleanup());

  it.each(["no-close", "agent-close"] as const)(
    "exits by itself (%s) and leaves no codex process",
    async (mode) => {
      const outcome = await runScript({ kind: "codex", options: fixture.options(), mode });
      expect(outcome).toMatchObject({ code: 0, text: "codex answer" });
      expect(outcome.exitedAfterMs).toBeLessThan(EXIT_WITHIN_MS);
      expect(await settled(() => groupMembers(outcome.pid))).toEqual([]);
      expect(await settled(() => codexProcesses(fixture.home))).toEqual([]);
    },
    90_000,
  );
});
