import { afterEach, describe, expect, it } from "vitest";
import type { ProcessExit } from "../../src/process/index.js";
import type { ArkyError } from "../../src/protocol/index.js";
import { LineRpc, type RpcFraming } from "../../src/provider/line-rpc.js";
import { CHILD, type Message, messageSchema } from "../process/helpers.js";

// The fixture child's "echo" mode answers every line with `{ type: "echo", value: <line> }`,
// so a request comes back as its own response and its params are the result.
const framing: RpcFraming<Message, number> = {
  id: (n) => n,
  request: (id, method, params) => ({ id, method, params }),
  responseTo: (m) => (m.type === "echo" ? (m.value as { id?: number }).id : undefined),
  outcome: (m) => ({ ok: true, value: (m.value as { params: unknown }).params }),
};

let rpc: LineRpc<Message, number> | undefined;
afterEach(async () => {
  await rpc?.process.close({ graceMs: 100 });
  rpc = undefined;
});

async function start(mode: string) {
  rpc = await LineRpc.start<Message, number>({
    command: process.execPath,
    args: [CHILD, mode],
    schema: messageSchema,
    name: "fixture",
    peer: "the fixture",
    framing,
    timeoutMs: 5000,
    details: { provider: "test" },
  });
  const seen = { messages: [] as Message[], errors: [] as ArkyError[], exits: [] as ProcessExit[] };
  const attach = () =>
    rpc!.attach({
      onMessage: (m) => seen.messages.push(m),
      onProtocolError: (e) => seen.errors.push(e),
      onExit: (e) => seen.exits.push(e),
    });
  return { rpc, seen, attach };
}

describe("LineRpc", () => {
  it("correlates responses by id and hands other lines to the owner", async () => {
    const { rpc, seen, attach } = await start("echo");
    attach();
    const [a, b] = await Promise.all([rpc.request("first", { n: 1 }), rpc.request("second", { n: 2 })]);
    expect([a, b]).toEqual([{ n: 1 }, { n: 2 }]);
    rpc.process.write({ note: "not a response" });
    await expect.poll(() => seen.messages).toEqual([{ type: "echo", value: { note: "not a response" } }]);
  });

  it("keeps lines that arrive before the owner attaches, in order", async () => {
    const { rpc, seen, attach } = await start("garbage");
    await rpc.process.exit;
    expect(seen.messages).toEqual([]);
    attach();
    expect(seen.messages).toEqual([
      { type: "ok", n: 1 },
      { type: "ok", n: 2 },
    ]);
    expect(seen.errors.map((e) => e.code)).toEqual(["protocol", "protocol"]);
    expect(seen.exits).toHaveLength(1);
  });

  it("reports an answer to no pending request as a protocol error", async () => {
    const { rpc, seen, attach } = await start("echo");
    attach();
    rpc.process.write({ id: 999, method: "late", params: {} });
    await expect.poll(() => seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toMatchObject({
      code: "protocol",
      message: "the fixture answered a request that is not pending; the answer was ignored.",
      details: { provider: "test", id: 999 },
    });
  });

  it("times out and cancels requests with classified errors", async () => {
    const { rpc, attach } = await start("stubborn");
    attach();
    await expect(rpc.request("slow", {}, { timeoutMs: 50 })).rejects.toMatchObject({
      code: "timeout",
      message: "the fixture did not answer slow within 50 ms.",
      details: { provider: "test", method: "slow" },
    });
    const controller = new AbortController();
    const cancelled = rpc.request("slow", {}, { signal: controller.signal });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: "cancelled" });
  });

  it("rejects pending and later requests with process-exited when the process dies", async () => {
    const { rpc, seen, attach } = await start("crash");
    attach();
    const pending = rpc.request("never", {});
    await expect(pending).rejects.toMatchObject({ code: "process-exited", details: { exitCode: 3 } });
    await expect(rpc.request("after", {})).rejects.toMatchObject({ code: "process-exited" });
    expect(rpc.alive).toBe(false);
    expect(seen.exits).toHaveLength(1);
  });
});
