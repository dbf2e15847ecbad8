import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { allowAllGuard } from "../../src/permissions/index.js";
import type { AgentEventBody, ArkyError } from "../../src/protocol/index.js";
import { createTurnTools } from "../../src/provider/index.js";
import { CodexRpcClient, type RpcId } from "../../src/providers/codex/codex-rpc.js";
import { codex } from "../../src/providers/codex/index.js";
import { ToolRegistry } from "../../src/tools/index.js";

const FAKE = resolve("test/codex/fixtures/fake-app-server.mjs");

interface Recorded {
  notifications: Array<[string, unknown]>;
  requests: Array<[RpcId, string]>;
  protocolErrors: ArkyError[];
  exits: number;
}

let client: CodexRpcClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function start(command = process.execPath, args = [FAKE]): Promise<[CodexRpcClient, Recorded]> {
  const seen: Recorded = { notifications: [], requests: [], protocolErrors: [], exits: 0 };
  client = await CodexRpcClient.start({
    command,
    args,
    env: {},
    inheritEnv: [],
    requestTimeoutMs: 500,
    handlers: {
      onNotification: (method, params) => seen.notifications.push([method, params]),
      onServerRequest: (id, method) => seen.requests.push([id, method]),
      onProtocolError: (error) => seen.protocolErrors.push(error),
      onExit: () => seen.exits++,
    },
  });
  return [client, seen];
}

const any = z.unknown();

describe("CodexRpcClient against a misbehaving app server", () => {
  it("skips non-JSON lines as protocol errors and hands unknown notifications on", async () => {
    const [rpc, seen] = await start();
    await rpc.request("initialize", {}, { schema: z.object({ userAgent: z.string() }) });
    expect(seen.protocolErrors[0]).toMatchObject({
      code: "protocol",
      details: { excerpt: "this is not json" },
    });
    expect(seen.notifications).toContainEqual(["no/such/notification", { threadId: "T" }]);
  });

  it("classifies JSON-RPC errors, bad result shapes and timeouts", async () => {
    const [rpc] = await start();
    await expect(rpc.request("thread/start", {}, { schema: any })).rejects.toMatchObject({
      code: "invalid-request",
      details: { method: "thread/start", rpcCode: -32600 },
    });
    await expect(rpc.request("thread/resume", {}, { schema: any })).rejects.toMatchObject({
      code: "session-not-found",
    });
    await expect(
      rpc.request("wrong/shape", {}, { schema: z.object({ turn: z.object({}) }) }),
    ).rejects.toMatchObject({
      code: "protocol",
    });
    await expect(rpc.request("silent", {}, { schema: any, timeoutMs: 100 })).rejects.toMatchObject({
      code: "timeout",
    });
    const controller = new AbortController();
    const aborted = rpc.request("silent", {}, { schema: any, signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: "cancelled" });
  });

  it("reports answers to unknown ids and delivers server requests", async () => {
    const [rpc, seen] = await start();
    // The stand-in answers in order, so once `initialize` is answered the earlier lines are in.
    void rpc.request("stray", {}, { schema: any, timeoutMs: 10_000 }).catch(() => undefined);
    void rpc.request("ask/me", {}, { schema: any, timeoutMs: 10_000 }).catch(() => undefined);
    await rpc.request("initialize", {}, { schema: any });
    expect(seen.protocolErrors.some((e) => e.message.includes("not pending"))).toBe(true);
    expect(seen.requests).toEqual([[0, "item/tool/requestUserInput"]]);
  });

  it("rejects pending requests with process-exited when the process dies", async () => {
    const [rpc, seen] = await start();
    const pending = rpc.request("silent", {}, { schema: any, timeoutMs: 5000 });
    rpc.kill();
    await expect(pending).rejects.toMatchObject({ code: "process-exited" });
    await expect(rpc.request("initialize", {}, { schema: any })).rejects.toMatchObject({
      code: "process-exited",
    });
    expect(rpc.alive).toBe(false);
    expect(seen.exits).toBe(1);
  });

  it("rejects a missing executable with executable-not-found", async () => {
    await expect(start("/nonexistent/codex", [])).rejects.toMatchObject({ code: "executable-not-found" });
  });
});

/** Runs one "hi" turn with no tools, collects its events and closes the runtime. */
async function oneTurn(runtime: ReturnType<typeof codex>): Promise<AgentEventBody[]> {
  const events: AgentEventBody[] = [];
  for await (const event of runtime.runTurn({
    sessionId: "s",
    turnId: "t",
    input: { role: "user", content: [{ type: "text", text: "hi" }] },
    history: [],
    tools: new ToolRegistry([]),
    ...createTurnTools(new ToolRegistry([]), allowAllGuard),
    signal: new AbortController().signal,
  }))
    events.push(event);
  await runtime.close();
  return events;
}

describe("CodexRuntime with a misbehaving app server", () => {
  it("reports noise and malformed notifications as non-fatal errors and still completes the turn", async () => {
    const runtime = codex({ executable: FAKE, env: { FAKE_MODE: "turns" }, cwd: process.cwd() });
    const events = await oneTurn(runtime);
    const errors = events.filter((e) => e.type === "error");
    expect(errors).toHaveLength(3);
    expect(JSON.stringify(errors)).toContain("garbage in the middle of a turn");
    expect(JSON.stringify(errors)).toContain("item/completed notification of an unexpected shape");
    for (const error of errors) expect(error).toMatchObject({ fatal: false, error: { code: "protocol" } });
    expect(events.find((e) => e.type === "message-end")).toMatchObject({
      message: { content: [{ type: "text", text: "fake reply" }] },
    });
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
  });
});

describe("CodexRuntime with an app server that exits at once", () => {
  it("fails the turn with process-exited", async () => {
    const runtime = codex({ executable: "/bin/false", cwd: process.cwd() });
    const events = await oneTurn(runtime);
    expect(events.map((e) => e.type)).toEqual(["error", "turn-end"]);
    expect(events[0]).toMatchObject({
      fatal: true,
      error: { code: "process-exited", details: { exitCode: 1 } },
    });
  });
});

describe("CodexRuntime with an app server silent about a running turn", () => {
  it.each(["silent-turn", "other-thread"])(
    "%s: the turn ends with timeout after idleTimeoutMs",
    async (mode) => {
      const runtime = codex({
        executable: FAKE,
        env: { FAKE_MODE: mode },
        cwd: process.cwd(),
        idleTimeoutMs: 500,
      });
      const started = Date.now();
      const events = await oneTurn(runtime);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(events.filter((e) => e.type === "message-delta")).toEqual([]);
      expect(events.find((e) => e.type === "error" && e.fatal)).toMatchObject({
        error: { code: "timeout", details: { idleTimeoutMs: 500 } },
      });
      expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "error" } });
      expect(events.filter((e) => e.type === "turn-end")).toHaveLength(1);
    },
    20_000,
  );
});

describe("CodexRuntime with a wrong-shaped delta notification", () => {
  it("reports it as a protocol event and still completes the turn", async () => {
    const runtime = codex({ executable: FAKE, env: { FAKE_MODE: "bad-delta" }, cwd: process.cwd() });
    const events = await oneTurn(runtime);
    // The other error is the fake's startup noise ("this is not json").
    const errors = events.filter((e) => e.type === "error" && JSON.stringify(e).includes("delta"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      fatal: false,
      error: { code: "protocol", details: { method: "item/agentMessage/delta" } },
    });
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
  });
});
