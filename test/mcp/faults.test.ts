import { afterEach, describe, expect, it } from "vitest";
import { McpClient } from "../../src/mcp/index.js";
import { executeToolCall, ToolRegistry } from "../../src/tools/index.js";
import { nodeFixture } from "./helpers.js";

const open: McpClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function broken(timeoutMs = 1500) {
  const stderr: string[] = [];
  const client = new McpClient({
    name: "bad",
    config: nodeFixture("misbehaving-server.mjs"),
    timeoutMs,
    onStderr: (line) => stderr.push(line),
  });
  open.push(client);
  const registry = new ToolRegistry(await client.tools({ timeoutMs: 20_000 }));
  let n = 0;
  const call = (tool: string) =>
    executeToolCall(
      registry,
      { id: `c${++n}`, name: `mcp/bad/${tool}`, input: {} },
      { signal: new AbortController().signal },
    );
  return { client, call, stderr };
}

describe("a misbehaving MCP server gives classified errors, never a crash", () => {
  it("a server that dies mid-call → tool-execution, and the next call restarts it", async () => {
    const { call, stderr } = await broken();
    const before = await call("pid");
    const died = await call("die");
    expect(died.result.isError).toBe(true);
    expect(died.error?.code).toBe("tool-execution");
    expect(died.error?.details?.reason).toBe("connection-closed");
    expect(stderr).toContain("about to crash");
    const after = await call("pid");
    expect(after.error).toBeUndefined();
    expect(after.result.content).not.toEqual(before.result.content);
  });

  it("a server that hangs → tool-timeout, and the connection stays usable", async () => {
    const { call, client } = await broken(300);
    const hung = await call("hang");
    expect(hung.error?.code).toBe("tool-timeout");
    expect(hung.error?.message).toMatch(/MCP server "bad"/);
    const pid = await client.callTool("pid", {}, { timeoutMs: 20_000 });
    expect(pid.content[0]).toMatchObject({ type: "text", text: expect.stringMatching(/^\d+$/) });
  });

  it("a JSON line that is not a JSON-RPC message → protocol", async () => {
    const { call } = await broken();
    const outcome = await call("invalid-frame");
    expect(outcome.error?.code).toBe("protocol");
    expect((await call("pid")).error).toBeUndefined();
  });

  it("a result that breaks the MCP schema → protocol", async () => {
    const { call } = await broken();
    const outcome = await call("bad-result");
    expect(outcome.error?.code).toBe("protocol");
    expect(outcome.result.isError).toBe(true);
  });

  it("non-JSON noise on stdout is skipped", async () => {
    const { call } = await broken();
    const outcome = await call("noise");
    expect(outcome.error).toBeUndefined();
    expect(outcome.result.content).toEqual([{ type: "text", text: "fine despite noise" }]);
  });

  it("a cancelled call → cancelled", async () => {
    const { client } = await broken(5000);
    const controller = new AbortController();
    const pending = client.callTool("hang", {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: "cancelled" });
  });

  it("a server that cannot start → executable-not-found", async () => {
    const client = new McpClient({
      name: "ghost",
      config: { command: "/nonexistent/arky-mcp", args: [], env: {} },
    });
    open.push(client);
    await expect(client.tools()).rejects.toMatchObject({ code: "executable-not-found" });
  });

  it("an HTTP server nobody listens on → connection, without trying SSE as well", async () => {
    const client = new McpClient({ name: "nobody", config: { url: "http://127.0.0.1:9/mcp", headers: {} } });
    open.push(client);
    const error = await client.listTools().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe("connection");
    expect(error?.message).toMatch(/MCP server "nobody"/);
  });

  it("a caller that gives up while connecting does not cancel the connection for the others", async () => {
    const client = new McpClient({ name: "bad", config: nodeFixture("misbehaving-server.mjs") });
    open.push(client);
    const controller = new AbortController();
    const impatient = client.listTools({ signal: controller.signal });
    const patient = client.listTools();
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ code: "cancelled" });
    expect((await patient).map((t) => t.name)).toContain("pid");
  });
});
