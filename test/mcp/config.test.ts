import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcpServers, loadMcpConfig, McpClient, parseMcpConfig } from "../../src/mcp/index.js";
import { ArkyError } from "../../src/protocol/index.js";
import { bin } from "./helpers.js";

// `${VAR}` below is the literal reference syntax of .mcp.json, not a template placeholder.
const ref = (name: string) => `\${${name}}`;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function file(content: string): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), "arky-mcp-config-"));
  const p = path.join(dir, ".mcp.json");
  await writeFile(p, content);
  return p;
}

function thrown(fn: () => unknown): ArkyError {
  try {
    fn();
  } catch (error) {
    if (ArkyError.isArkyError(error)) return error;
    throw error;
  }
  throw new Error("did not throw");
}

describe("MCP config", () => {
  it("reads stdio and HTTP servers with defaults", async () => {
    const p = await file(
      JSON.stringify({
        mcpServers: {
          files: { command: "npx", args: ["-y", "server"], env: { A: "1" } },
          remote: { url: "https://example.test/mcp", headers: { authorization: "Bearer x" } },
          legacy: { type: "sse", url: "http://127.0.0.1:1/sse" },
          bare: { command: "srv" },
        },
      }),
    );
    expect(await loadMcpConfig(p)).toEqual({
      files: { command: "npx", args: ["-y", "server"], env: { A: "1" } },
      remote: { url: "https://example.test/mcp", headers: { authorization: "Bearer x" } },
      legacy: { type: "sse", url: "http://127.0.0.1:1/sse", headers: {} },
      bare: { command: "srv", args: [], env: {} },
    });
  });

  it("expands variable references with and without defaults, and names a missing variable", () => {
    const config = parseMcpConfig(
      { mcpServers: { s: { url: `http://${ref("HOST")}/mcp`, headers: { token: ref("TOKEN:-none") } } } },
      { env: { HOST: "127.0.0.1:9" } },
    );
    expect(config.s).toEqual({ url: "http://127.0.0.1:9/mcp", headers: { token: "none" } });
    const error = thrown(() =>
      parseMcpConfig(
        { mcpServers: { s: { command: "x", env: { K: ref("NOPE") } } } },
        { source: "a.json", env: {} },
      ),
    );
    expect(error.code).toBe("configuration");
    expect(error.message).toMatch(/a\.json.*server "s".*\$\{NOPE\}/);
  });

  it("rejects invalid entries naming the file and the server", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ servers: {} }, /must be an object with "mcpServers"/],
      [{ mcpServers: { broken: { args: ["x"] } } }, /server "broken" needs either "command"/],
      [{ mcpServers: { ftp: { url: "ftp://x" } } }, /server "ftp"/],
      [{ mcpServers: { typo: { command: "x", argz: [] } } }, /server "typo"/],
      [{ mcpServers: { both: { command: "x", url: "http://x" } } }, /server "both"/],
    ];
    for (const [document, message] of cases) {
      const error = thrown(() => parseMcpConfig(document, { source: "/p/.mcp.json" }));
      expect(error.code).toBe("configuration");
      expect(error.message).toContain("/p/.mcp.json");
      expect(error.message).toMatch(message);
    }
  });

  it("reports unreadable and non-JSON files with their path", async () => {
    const p = await file("{ not json");
    await expect(loadMcpConfig(p)).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining(p),
    });
    const missing = path.join(dir!, "missing.json");
    await expect(loadMcpConfig(missing)).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("missing.json"),
    });
  });
});

describe("connectMcpServers input", () => {
  it("takes a whole .mcp.json document, and entries without the optional args and env", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "arky-mcp-file-"));
    const memory = {
      command: bin("mcp-server-memory"),
      env: { MEMORY_FILE_PATH: path.join(dir, "m.jsonl") },
    };
    const mcp = await connectMcpServers({ mcpServers: { memory } });
    try {
      expect(mcp.failures).toEqual([]);
      expect([...mcp.clients.keys()]).toEqual(["memory"]);
      expect(mcp.tools.map((t) => t.name)).toContain("mcp/memory/read_graph");
    } finally {
      await mcp.close();
    }
  });

  it("refuses an invalid entry before starting any server, naming it", async () => {
    await expect(
      connectMcpServers({ mcpServers: { broken: { args: ["x"] } } as never }),
    ).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringMatching(
        /connectMcpServers\(\{ mcpServers \}\): server "broken" needs either "command"/,
      ),
    });
    await expect(connectMcpServers({ typo: { command: "x", argz: [] } as never })).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining('server "typo"'),
    });
  });

  it("fills in the defaults of an entry an McpClient is given", () => {
    expect(
      new McpClient({ name: "h", config: { type: "sse", url: "http://127.0.0.1:9/sse" } }).config,
    ).toEqual({
      type: "sse",
      url: "http://127.0.0.1:9/sse",
      headers: {},
    });
    expect(new McpClient({ name: "s", config: { command: "srv" } }).config).toEqual({
      command: "srv",
      args: [],
      env: {},
    });
  });
});
