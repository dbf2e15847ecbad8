import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectMcpServers, McpClient } from "../../src/mcp/index.js";
import { executeToolCall, ToolRegistry } from "../../src/tools/index.js";
import { bin, freePort, waitFor } from "./helpers.js";

const open: McpClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
function client(options: ConstructorParameters<typeof McpClient>[0]): McpClient {
  const c = new McpClient(options);
  open.push(c);
  return c;
}
const text = (content: Array<{ type: string; text?: string }>) =>
  content.map((b) => b.text ?? `[${b.type}]`).join("");

describe("server-everything over stdio", () => {
  it("lists tools as mcp/<server>/<tool> and calls them through a registry", async () => {
    const everything = client({
      name: "every thing!",
      config: { command: bin("mcp-server-everything"), args: [], env: {} },
    });
    const tools = await everything.tools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("mcp/every_thing_/echo");
    expect(names).toContain("mcp/every_thing_/get-sum");
    expect(tools.find((t) => t.name === "mcp/every_thing_/echo")?.readOnly).toBe(true);
    const registry = new ToolRegistry(tools);
    const signal = new AbortController().signal;
    const sum = await executeToolCall(
      registry,
      { id: "1", name: "mcp/every_thing_/get-sum", input: { a: 2, b: 40 } },
      { signal },
    );
    expect(text(sum.result.content)).toBe("The sum of 2 and 40 is 42.");
    const image = await executeToolCall(
      registry,
      { id: "2", name: "mcp/every_thing_/get-tiny-image", input: {} },
      { signal },
    );
    expect(image.result.content.some((b) => b.type === "image" && b.source.type === "base64")).toBe(true);
    const invalid = await executeToolCall(
      registry,
      { id: "3", name: "mcp/every_thing_/get-sum", input: { a: "x" } },
      { signal },
    );
    expect(invalid.result.isError).toBe(true);
  });

  it("caps long tool results and says so", async () => {
    const everything = client({
      name: "everything",
      config: { command: bin("mcp-server-everything"), args: [], env: {} },
      maxResultChars: 10,
    });
    const result = await everything.callTool("echo", { message: "a long message indeed" });
    expect(result.content).toEqual([
      { type: "text", text: "Echo: a lo" },
      { type: "text", text: "\n[output capped: showing the first 10 of 27 characters]" },
    ]);
  });

  it("reads resources and prompts", async () => {
    const everything = client({
      name: "everything",
      config: { command: bin("mcp-server-everything"), args: [], env: {} },
    });
    const resources = await everything.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await everything.readResource(resources[0]!.uri);
    expect(read.contents[0]?.uri).toBe(resources[0]!.uri);
    const prompts = await everything.listPrompts();
    expect(prompts.map((p) => p.name)).toContain("args-prompt");
    const prompt = await everything.getPrompt("args-prompt", { city: "Lyon" });
    expect(JSON.stringify(prompt.messages)).toContain("Lyon");
  });

  it("gives the server a filtered environment plus its own env", async () => {
    process.env.ARKY_TEST_SECRET_API_KEY = "sk-leak";
    try {
      const everything = client({
        name: "everything",
        config: { command: bin("mcp-server-everything"), args: [], env: { GIVEN: "yes" } },
      });
      const env = text((await everything.callTool("get-env", {})).content);
      expect(env).toContain("GIVEN");
      expect(env).toContain("PATH");
      expect(env).not.toContain("sk-leak");
    } finally {
      delete process.env.ARKY_TEST_SECRET_API_KEY;
    }
  });
});

describe("server-filesystem and server-memory over stdio", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await realpath(await mkdtemp(path.join(tmpdir(), "arky-mcp-fs-")));
    await writeFile(path.join(dir, "hello.txt"), "hello from disk");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads and writes files through server-filesystem", async () => {
    const fs = client({
      name: "fs",
      config: { command: bin("mcp-server-filesystem"), args: [dir], env: {} },
    });
    const names = (await fs.tools()).map((t) => t.name);
    expect(names).toContain("mcp/fs/read_text_file");
    expect(text((await fs.callTool("read_text_file", { path: path.join(dir, "hello.txt") })).content)).toBe(
      "hello from disk",
    );
    await fs.callTool("write_file", { path: path.join(dir, "new.txt"), content: "written via MCP" });
    expect(await readFile(path.join(dir, "new.txt"), "utf8")).toBe("written via MCP");
    const outside = await fs.callTool("read_text_file", { path: "/etc/hostname" });
    expect(outside.isError).toBe(true);
  });

  it("keeps a knowledge graph in server-memory", async () => {
    const memory = client({
      name: "memory",
      config: {
        command: bin("mcp-server-memory"),
        args: [],
        env: { MEMORY_FILE_PATH: path.join(dir, "memory.jsonl") },
      },
    });
    await memory.callTool("create_entities", {
      entities: [{ name: "Arky", entityType: "project", observations: ["speaks MCP"] }],
    });
    const graph = text((await memory.callTool("read_graph", {})).content);
    expect(graph).toContain("speaks MCP");
  });

  it("connects several servers from one config and reports failures separately", async () => {
    const servers = await connectMcpServers({
      fs: { command: bin("mcp-server-filesystem"), args: [dir], env: {} },
      missing: { command: path.join(dir, "no-such-binary"), args: [], env: {} },
    });
    try {
      expect(servers.tools.some((t) => t.name === "mcp/fs/list_directory")).toBe(true);
      expect(servers.failures).toHaveLength(1);
      expect(servers.failures[0]?.server).toBe("missing");
      expect(servers.failures[0]?.error.code).toBe("executable-not-found");
    } finally {
      await servers.close();
    }
  });
});

describe("server-everything over HTTP", () => {
  const peers: ChildProcess[] = [];
  afterEach(() => {
    for (const peer of peers.splice(0)) peer.kill("SIGKILL");
  });

  async function startEverything(mode: "streamableHttp" | "sse"): Promise<number> {
    const port = await freePort();
    const peer = spawn(process.execPath, [bin("mcp-server-everything"), mode], {
      env: { PATH: process.env.PATH ?? "", PORT: String(port) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    peers.push(peer);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined)) && true,
      "the peer",
    );
    return port;
  }

  it("calls tools over Streamable HTTP", async () => {
    const port = await startEverything("streamableHttp");
    const everything = client({
      name: "everything",
      config: { type: "http", url: `http://127.0.0.1:${port}/mcp`, headers: {} },
    });
    expect(text((await everything.callTool("echo", { message: "over http" })).content)).toBe(
      "Echo: over http",
    );
  });

  it("falls back to legacy SSE when the server only has that", async () => {
    const port = await startEverything("sse");
    const everything = client({
      name: "everything",
      config: { url: `http://127.0.0.1:${port}/sse`, headers: {} },
    });
    expect(text((await everything.callTool("echo", { message: "over sse" })).content)).toBe("Echo: over sse");
  });
});
