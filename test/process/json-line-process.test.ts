import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JsonLineProcess } from "../../src/process/index.js";
import { ArkyError } from "../../src/protocol/index.js";
import { isAlive, type Message, messageSchema, startChild } from "./helpers.js";

const started: Array<JsonLineProcess<Message>> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.close({ graceMs: 100 })));
});

async function start(...args: Parameters<typeof startChild>) {
  const result = await startChild(...args);
  started.push(result.child);
  return result;
}

describe("JsonLineProcess", () => {
  it("writes and reads typed JSON lines", async () => {
    const { child, messages, waitFor } = await start(["echo"]);
    expect(child.write({ hello: "world" })).toBe(true);
    child.write([1, 2]);
    await waitFor(2);
    expect(messages).toEqual([
      { type: "echo", value: { hello: "world" } },
      { type: "echo", value: [1, 2] },
    ]);
    const exit = await child.close();
    expect(exit).toMatchObject({ code: 0, requested: true });
    expect(exit.error).toBeUndefined();
    expect(child.write({ late: true })).toBe(false);
  });

  it("passes only allowlisted variables plus explicit ones", async () => {
    process.env.ARKY_TEST_SECRET = "sk-should-not-leak";
    try {
      const { child, messages, waitFor } = await start(["env"], {
        env: { EXTRA_ONE: "yes", HOME: "/tmp/isolated-home" },
      });
      await waitFor(1);
      const env = messages[0]!.env as Record<string, string>;
      expect(env.ARKY_TEST_SECRET).toBeUndefined();
      expect(env.NODE_OPTIONS).toBeUndefined();
      expect(env.EXTRA_ONE).toBe("yes");
      expect(env.HOME).toBe("/tmp/isolated-home");
      expect(env.PATH).toBe(process.env.PATH);
      await child.exit;
    } finally {
      delete process.env.ARKY_TEST_SECRET;
    }
  });

  it("reports non-JSON and schema-invalid lines as protocol errors and keeps going", async () => {
    const { child, messages, errors } = await start(["garbage"]);
    const exit = await child.exit;
    expect(messages).toEqual([
      { type: "ok", n: 1 },
      { type: "ok", n: 2 },
    ]);
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => ArkyError.isArkyError(e) && e.code === "protocol")).toBe(true);
    expect(errors[0]!.details).toMatchObject({ excerpt: "this is not json" });
    expect(errors[1]!.details?.issues).toEqual(["type: Invalid input: expected string, received undefined"]);
    expect(exit.code).toBe(0);
    // It exited by itself, which nobody asked for.
    expect(exit.error?.code).toBe("process-exited");
  });

  it("skips a line over the size cap and reads the next one", async () => {
    const { child, messages, errors } = await start(["huge"], { maxLineBytes: 1024 * 1024 });
    await child.exit;
    expect(messages.map((m) => m.n)).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe("protocol");
    expect(errors[0]!.details).toMatchObject({ maxLineBytes: 1024 * 1024 });
  });

  it("surfaces a crash with exit code and stderr tail, after the output before it", async () => {
    const exits: unknown[] = [];
    const { child, messages } = await start(["crash"], { onExit: (e) => exits.push(e) });
    const exit = await child.exit;
    expect(messages).toEqual([{ type: "ok", n: 1 }]);
    expect(exit.code).toBe(3);
    expect(exit.requested).toBe(false);
    expect(exit.error?.code).toBe("process-exited");
    expect(exit.error?.details).toMatchObject({ exitCode: 3, signal: null });
    expect(String(exit.error?.details?.stderrTail)).toContain("something went badly wrong");
    expect(exits).toEqual([exit]);
  });

  it("keeps only a bounded tail of stderr", async () => {
    const { child, waitFor } = await start(["noisy-stderr"], { stderrTailBytes: 4096 });
    await waitFor(1);
    await expect.poll(() => child.stderrTail()).toContain("line 199");
    const tail = child.stderrTail();
    expect(tail.length).toBeLessThanOrEqual(4097);
    expect(tail.startsWith("…")).toBe(true);
    expect(tail).toContain("line 199");
  });

  it("escalates to SIGKILL when the child ignores stdin close and SIGTERM", async () => {
    const { child, waitFor } = await start(["stubborn"]);
    await waitFor(1);
    const exit = await child.close({ graceMs: 150 });
    expect(exit.signal).toBe("SIGKILL");
    expect(exit.requested).toBe(true);
    expect(exit.error).toBeUndefined();
    expect(isAlive(child.pid)).toBe(false);
  });

  it("kills grandchildren with their parent on close", async () => {
    const { child, messages, waitFor } = await start(["grandchildren"]);
    await waitFor(1);
    const pids = messages[0]!.pids as number[];
    expect(pids.every(isAlive)).toBe(true);
    await child.close({ graceMs: 150 });
    await expect.poll(() => pids.filter(isAlive), { timeout: 5000 }).toEqual([]);
  });

  it("kills grandchildren that moved into their own session on close", async () => {
    const { child, messages, waitFor } = await start(["grandchildren", "own-session"]);
    await waitFor(1);
    const pids = messages[0]!.pids as number[];
    expect(pids.every(isAlive)).toBe(true);
    await child.close({ graceMs: 150 });
    await expect.poll(() => pids.filter(isAlive), { timeout: 5000 }).toEqual([]);
  });

  it("kills grandchildren left behind when the child exits by itself", async () => {
    const { child, messages, waitFor } = await start(["grandchildren", "then-exit"]);
    await waitFor(1);
    const pids = messages[0]!.pids as number[];
    await child.exit;
    await expect.poll(() => pids.filter(isAlive), { timeout: 5000 }).toEqual([]);
  });

  it("closes the child when the signal aborts", async () => {
    const controller = new AbortController();
    const { child, messages, waitFor } = await start(["echo"], { signal: controller.signal });
    child.write("ping");
    await waitFor(1);
    expect(messages).toHaveLength(1);
    controller.abort();
    const exit = await child.exit;
    expect(exit.requested).toBe(true);
    expect(isAlive(child.pid)).toBe(false);
  });

  it("rejects a missing executable with executable-not-found and a correction", async () => {
    const error = await JsonLineProcess.start({
      command: "/nonexistent/arky-claude",
      schema: messageSchema,
      onMessage: () => {},
      installHint: "npm i -g @anthropic-ai/claude-code, or set `executable`.",
    }).catch((e: unknown) => e);
    expect(ArkyError.isArkyError(error)).toBe(true);
    expect(error).toMatchObject({
      code: "executable-not-found",
      correction: "npm i -g @anthropic-ai/claude-code, or set `executable`.",
      details: { errno: "ENOENT" },
    });
  });

  it("rejects a file that is not executable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "arky-sub-"));
    const file = join(dir, "not-exec");
    writeFileSync(file, "#!/bin/sh\necho hi\n");
    chmodSync(file, 0o644);
    const error = await JsonLineProcess.start({
      command: file,
      schema: messageSchema,
      onMessage: () => {},
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "executable-not-found", details: { errno: "EACCES" } });
    rmSync(dir, { recursive: true, force: true });
  });

  it("rejects a missing working directory as a configuration error", async () => {
    const error = await JsonLineProcess.start({
      command: process.execPath,
      cwd: "/nonexistent/dir",
      schema: messageSchema,
      onMessage: () => {},
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "configuration" });
  });
});
