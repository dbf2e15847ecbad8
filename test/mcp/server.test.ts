import { type IncomingHttpHeaders, request } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpClient, type McpHttpOptions, type ServingMcp, serveMcp } from "../../src/mcp/index.js";
import { codingTools } from "../../src/tools/builtin/index.js";
import { ToolRegistry, tool } from "../../src/tools/index.js";
import { nodeFixture } from "./helpers.js";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

function registry() {
  return new ToolRegistry([
    tool({
      name: "add",
      description: "Add two numbers",
      input: z.object({ a: z.number(), b: z.number() }),
      readOnly: true,
      execute: ({ a, b }) => String(a + b),
    }),
    tool({
      name: "picture",
      description: "A tiny image",
      input: z.object({}),
      readOnly: true,
      execute: () => [{ type: "image", source: { type: "base64", mediaType: "image/png", data: PNG } }],
    }),
    tool({
      name: "fail",
      description: "Always throws",
      input: z.object({}),
      execute: () => {
        throw new Error("kaboom");
      },
    }),
    tool({
      name: "ns/slow",
      description: "Waits for cancellation",
      input: z.object({}),
      timeoutMs: 200,
      execute: (_input, { signal }) =>
        new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    }),
  ]);
}

/** Bearer tokens of the servers started here, by endpoint URL. */
const tokens = new Map<string, string>();
const bearer = (url: string) => ({ authorization: `Bearer ${tokens.get(url)}` });

/** A POST on a fresh connection (no keep-alive pool), with any headers, Host included; the server's token unless `authorization` is given. */
function rawPost(url: string, headers: Record<string, string>, body: unknown) {
  return new Promise<{ status: number | undefined; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...bearer(url),
          ...headers,
        },
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode, headers: res.headers });
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const servers: ServingMcp[] = [];
const clients: McpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serveHttp(options: McpHttpOptions = {}) {
  const serving = await serveMcp({ registry: registry(), transport: { http: options } });
  servers.push(serving);
  if (serving.token) tokens.set(serving.url!, serving.token);
  return serving;
}

function connect(url: string, headers: Record<string, string> = bearer(url)) {
  const client = new McpClient({ name: "arky", config: { type: "http", url, headers } });
  clients.push(client);
  return client;
}

describe("serveMcp over Streamable HTTP", () => {
  it("binds 127.0.0.1 and serves the registry to an MCP client", async () => {
    const serving = await serveHttp();
    expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = connect(serving.url!);
    const tools = await client.listTools();
    expect(tools.map((t) => [t.name, t.annotations?.readOnlyHint])).toEqual([
      ["add", true],
      ["picture", true],
      ["fail", false],
      ["ns__slow", false],
    ]);
    expect(await client.callTool("add", { a: 2, b: 3 })).toEqual({ content: [{ type: "text", text: "5" }] });
    expect(await client.callTool("picture", {})).toEqual({
      content: [{ type: "image", source: { type: "base64", mediaType: "image/png", data: PNG } }],
    });
  });

  it("validates input against the tool's schema and reports failures as error results", async () => {
    const client = connect((await serveHttp()).url!);
    const invalid = await client.callTool("add", { a: "two" });
    expect(invalid.isError).toBe(true);
    expect(JSON.stringify(invalid.content)).toMatch(/Invalid input for tool \\"add\\"/);
    const failed = await client.callTool("fail", {});
    expect(failed).toEqual({
      isError: true,
      content: [{ type: "text", text: 'Tool "fail" failed: kaboom' }],
    });
    const slow = await client.callTool("ns__slow", {});
    expect(slow.isError).toBe(true);
    expect(JSON.stringify(slow.content)).toMatch(/did not finish within 200 ms/);
    await expect(client.callTool("nope", {})).rejects.toMatchObject({
      code: "tool-execution",
      message: expect.stringContaining("Unknown tool: nope"),
    });
  });

  it("serves the built-in coding tools", async () => {
    const serving = await serveMcp({
      registry: new ToolRegistry(await codingTools({ cwd: process.cwd() })),
      transport: { http: {} },
    });
    servers.push(serving);
    tokens.set(serving.url!, serving.token!);
    const client = connect(serving.url!);
    const result = await client.callTool("read", { path: "package.json", limit: 2 });
    expect(JSON.stringify(result.content)).toContain('\\"name\\": \\"arky\\"');
  });

  it("requires a bearer token even on loopback: generated when none is given, checked on every request", async () => {
    await expect(
      serveMcp({ registry: registry(), transport: { http: { host: "0.0.0.0", token: false } } }),
    ).rejects.toMatchObject({ code: "configuration" });
    const generated = await serveHttp();
    expect(generated.token).toMatch(/^[\w-]{32}$/);
    const ping = { jsonrpc: "2.0", id: 1, method: "ping" };
    expect((await rawPost(generated.url!, { authorization: "" }, ping)).status).toBe(401);
    expect((await rawPost(generated.url!, { authorization: "Bearer wrong" }, ping)).status).toBe(401);
    const serving = await serveHttp({ token: "s3cret" });
    const denied = await fetch(serving.url!, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(denied.status).toBe(401);
    await expect(connect(serving.url!, { authorization: "Bearer wrong" }).listTools()).rejects.toMatchObject({
      code: "authentication",
      httpStatus: 401,
    });
    const tools = await connect(serving.url!, { authorization: "Bearer s3cret" }).listTools();
    expect(tools).toHaveLength(4);
  });

  it("serves the SDK's own client that sends the token", async () => {
    const serving = await serveHttp();
    const sdk = new Client({ name: "sdk", version: "1" });
    await sdk.connect(
      new StreamableHTTPClientTransport(new URL(serving.url!), {
        requestInit: { headers: bearer(serving.url!) },
      }),
    );
    try {
      expect(await sdk.callTool({ name: "add", arguments: { a: 4, b: 5 } })).toMatchObject({
        content: [{ type: "text", text: "9" }],
      });
    } finally {
      await sdk.close();
    }
  });

  it("refuses a foreign Origin (DNS rebinding); allows none, a loopback one, or a configured one", async () => {
    const serving = await serveHttp({ allowedOrigins: ["https://app.example"] });
    const ping = { jsonrpc: "2.0", id: 1, method: "ping" };
    const status = async (origin?: string) =>
      (await rawPost(serving.url!, origin ? { origin } : {}, ping)).status;
    expect(await status("http://evil.example")).toBe(403);
    expect(await status("null")).toBe(403);
    expect(await status("http://127.0.0.1.evil.example:8080")).toBe(403);
    // Allowed origins pass the Origin check and reach the protocol (400: no session for a ping).
    for (const origin of [
      undefined,
      "http://localhost:5173",
      "http://127.0.0.1",
      "http://[::1]:9",
      "https://app.example",
    ])
      expect(await status(origin), origin).toBe(400);
  });

  it("refuses a foreign Host header on loopback (DNS rebinding)", async () => {
    const serving = await serveHttp();
    // fetch cannot set Host; a raw request can, as a rebinding attacker's browser effectively does.
    const { status } = await rawPost(
      serving.url!,
      { host: "evil.example:80" },
      { jsonrpc: "2.0", id: 1, method: "ping" },
    );
    expect(status).toBe(403);
  });

  it("a restarted server answers an old session with 404, and a client's reads reconnect transparently", async () => {
    const first = await serveHttp();
    const client = connect(first.url!);
    expect(await client.callTool("add", { a: 1, b: 1 })).toEqual({ content: [{ type: "text", text: "2" }] });
    const initialize = {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    };
    const init = await rawPost(
      first.url!,
      {},
      { jsonrpc: "2.0", id: 1, method: "initialize", params: initialize },
    );
    const oldSession = String(init.headers["mcp-session-id"]);
    const port = Number(new URL(first.url!).port);
    await first.close();
    await serveHttp({ port, token: first.token! });
    const stale = await rawPost(
      first.url!,
      { "mcp-session-id": oldSession },
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
    );
    expect(stale.status).toBe(404);
    expect((await client.listTools()).map((t) => t.name)).toContain("add");
    expect(await client.callTool("add", { a: 1, b: 2 })).toEqual({ content: [{ type: "text", text: "3" }] });
  });

  it("a call while the server is down fails as tool-execution; the next one after it is back succeeds", async () => {
    const first = await serveHttp();
    const client = connect(first.url!);
    await client.listTools();
    const port = Number(new URL(first.url!).port);
    await first.close();
    await expect(client.callTool("add", { a: 1, b: 2 })).rejects.toMatchObject({
      code: "tool-execution",
      details: { reason: "connection-failed" },
    });
    await serveHttp({ port, token: first.token! });
    expect(await client.callTool("add", { a: 1, b: 3 })).toEqual({ content: [{ type: "text", text: "4" }] });
  });

  it("keeps at most maxSessions sessions, closing the least recently used", async () => {
    const serving = await serveHttp({ maxSessions: 1 });
    const initialize = (id: number) => ({
      jsonrpc: "2.0",
      id,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    const first = String((await rawPost(serving.url!, {}, initialize(1))).headers["mcp-session-id"]);
    const second = String((await rawPost(serving.url!, {}, initialize(2))).headers["mcp-session-id"]);
    const ping = { jsonrpc: "2.0", id: 3, method: "ping" };
    expect((await rawPost(serving.url!, { "mcp-session-id": first }, ping)).status).toBe(404);
    expect((await rawPost(serving.url!, { "mcp-session-id": second }, ping)).status).toBe(200);
  });

  it("refuses bodies over 4 MiB with 413 and non-JSON bodies with 400", async () => {
    const serving = await serveHttp();
    expect((await rawPost(serving.url!, {}, { padding: "x".repeat(5 * 1024 * 1024) })).status).toBe(413);
    expect((await rawPost(serving.url!, {}, undefined)).status).toBe(400);
  });
});

describe("serveMcp over stdio", () => {
  it("serves a registry to a client that spawned it, with a filtered environment", async () => {
    process.env.ARKY_TEST_PARENT_TOKEN = "leak";
    try {
      const client = new McpClient({ name: "mine", config: nodeFixture("serve-stdio.ts", { EXTRA: "1" }) });
      clients.push(client);
      const tools = await client.tools();
      expect(tools.map((t) => t.name)).toEqual(["mcp/mine/add", "mcp/mine/env_has"]);
      expect(await client.callTool("add", { a: 20, b: 22 })).toEqual({
        content: [{ type: "text", text: "42" }],
      });
      expect(await client.callTool("env_has", { name: "EXTRA" })).toEqual({
        content: [{ type: "text", text: "true" }],
      });
      expect(await client.callTool("env_has", { name: "ARKY_TEST_PARENT_TOKEN" })).toEqual({
        content: [{ type: "text", text: "false" }],
      });
    } finally {
      delete process.env.ARKY_TEST_PARENT_TOKEN;
    }
  });
});
