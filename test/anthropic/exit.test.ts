import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

it("a process that aborted, abandoned and timed out streams exits by itself (no dangling handles)", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "fixtures/exit-check.ts")],
    { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  let killed = false;
  // Generous: the point is that it exits at all, not how fast.
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, 20_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  expect(killed, `the child did not exit by itself; stderr: ${stderr}`).toBe(false);
  expect(code, stderr).toBe(0);
  expect(JSON.parse(stdout)).toEqual({ codes: ["cancelled", "timeout", "connection"] });
});
