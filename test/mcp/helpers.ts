import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { McpStdioServerConfig } from "../../src/mcp/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const bin = (name: string) => path.join(root, "node_modules/.bin", name);
export const fixture = (name: string) => path.join(here, "fixtures", name);

/** A stdio config that runs a fixture with this Node (TypeScript through tsx). */
export function nodeFixture(name: string, env: Record<string, string> = {}): McpStdioServerConfig {
  const args = name.endsWith(".ts") ? ["--import", "tsx", fixture(name)] : [fixture(name)];
  return { command: process.execPath, args, env, cwd: root };
}

/** A free loopback port (for peers that only take a fixed PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until `check` passes (or fails after ~15 s). */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
