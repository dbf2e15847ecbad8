import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { McpClient } from "../../src/mcp/index.js";
import { captureIo } from "../sessions-cli/helpers.js";

const bin = join(process.cwd(), "dist/cli/bin.js");
const children: ChildProcess[] = [];
const clients: McpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

async function folder() {
  const dir = await mkdtemp(join(tmpdir(), "arky-mcp-serve-"));
  await writeFile(join(dir, "notes.txt"), "first line\nsecond line\n");
  return dir;
}

describe.skipIf(!existsSync(bin))("arky mcp serve (built bin; skipped until npm run build)", () => {
  it("serves the read-only built-in tools over Streamable HTTP on loopback", async () => {
    const dir = await folder();
    const child = spawn(process.execPath, [bin, "mcp", "serve", "--http", "0", "--cwd", dir], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    const [url, token] = await new Promise<[string, string]>((resolve, reject) => {
      let err = "";
      child.stderr!.on("data", (d) => {
        err += d;
        const url = err.match(/at (http:\/\/127\.0\.0\.1:\d+\/mcp)/);
        const token = err.match(/bearer token .*: (\S+)\n/);
        if (url && token) resolve([url[1]!, token[1]!]);
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const anonymous = await fetch(url, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(anonymous.status).toBe(401);
    const client = new McpClient({
      name: "arky",
      config: { url, headers: { authorization: `Bearer ${token}` } },
    });
    clients.push(client);
    const names = (await client.listTools()).map((t) => t.name).sort();
    expect(names).toEqual(["glob", "grep", "read"]);
    const result = await client.callTool("read", { path: "notes.txt" });
    expect(JSON.stringify(result)).toContain("second line");
    const escaped = await client.callTool("read", { path: "../../etc/passwd" });
    expect(escaped.isError).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it("serves every built-in tool over stdio with --tools all", async () => {
    const dir = await folder();
    const client = new McpClient({
      name: "arky",
      config: {
        command: process.execPath,
        args: [bin, "mcp", "serve", "--tools", "all", "--cwd", dir],
        env: {},
      },
    });
    clients.push(client);
    const names = (await client.listTools()).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["bash", "write", "edit", "read"]));
    await client.callTool("write", { path: "made.txt", content: "via mcp" });
    expect(existsSync(join(dir, "made.txt"))).toBe(true);
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe("arky mcp serve --help", () => {
  it("prints the usage on stdout and exits 0 (it is not an unknown option)", async () => {
    for (const flag of ["--help", "-h"]) {
      const help = captureIo();
      expect(await main(["mcp", "serve", flag], help)).toBe(0);
      expect(help.out()).toContain("Usage: arky mcp serve");
      expect(help.out()).toContain("--tools <set>");
      expect(help.err()).toBe("");
    }
  });
});

describe("arky mcp serve: refusals", () => {
  it("refuses to bind beyond loopback without a token", async () => {
    const cliIo = captureIo();
    const err = cliIo.err;
    expect(await main(["mcp", "serve", "--http", "0", "--host", "0.0.0.0"], cliIo)).toBe(2);
    expect(err()).toMatch(/requires a bearer token/);
  });

  it("rejects unknown subcommands and bad options", async () => {
    const cliIo = captureIo();
    const err = cliIo.err;
    expect(await main(["mcp", "frob"], cliIo)).toBe(2);
    expect(await main(["mcp", "serve", "--tools", "some"], cliIo)).toBe(2);
    expect(await main(["mcp", "serve", "--http", "x"], cliIo)).toBe(2);
    expect(err()).toMatch(/--tools must be read-only or all/);
  });
});
