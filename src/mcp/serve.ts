import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { ToolRegistry } from "../tools/index.js";
import { type McpHttpOptions, startMcpHttpServer } from "./http-server.js";
import { createMcpServer, type McpServerInfo } from "./mcp-server.js";

/** Options of {@link serveMcp}. */
export interface ServeMcpOptions {
  /** The tools to offer (built-ins, user tools, tools imported from other MCP servers…). */
  registry: ToolRegistry;
  /** `"stdio"` (this process's stdin/stdout) or Streamable HTTP at `/mcp`. */
  transport: "stdio" | { http: McpHttpOptions };
  /** Server name and version for the handshake (default `arky`). */
  info?: McpServerInfo;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Streams for `stdio` (default `process.stdin` / `process.stdout`). */
  stdio?: { stdin: Readable; stdout: Writable };
}

/** A running MCP server. */
export interface ServingMcp {
  /** The HTTP endpoint; undefined for stdio. */
  url: string | undefined;
  /**
   * The bearer token HTTP clients must send (`Authorization: Bearer <token>`): the one given,
   * or a generated one. Undefined for stdio and with `token: false`.
   */
  token: string | undefined;
  /** Resolves when the server stopped (stdin closed, `close()`, or the signal). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Offers a tool registry as an MCP server, over stdio or Streamable HTTP. HTTP binds
 * 127.0.0.1 by default, rejects foreign `Host` headers on loopback and foreign `Origin`
 * headers (DNS rebinding), and requires a bearer token on every interface, loopback
 * included (generated when none is given: read it from `token`).
 *
 * @example
 * const serving = await serveMcp({ registry, transport: { http: { port: 3333 } } });
 * console.log(serving.url, serving.token); // http://127.0.0.1:3333/mcp, the bearer token
 */
export async function serveMcp(options: ServeMcpOptions): Promise<ServingMcp> {
  const info = options.info ?? { name: "arky", version: "0.1.0" };
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  let close: () => Promise<void>;
  let url: string | undefined;
  let token: string | undefined;
  if (options.transport === "stdio") {
    const server = createMcpServer(options.registry, info);
    const transport = new StdioServerTransport(options.stdio?.stdin, options.stdio?.stdout);
    transport.onclose = () => markClosed();
    await server.connect(transport);
    const stdin = options.stdio?.stdin ?? process.stdin;
    stdin.once("end", () => void server.close());
    close = async () => {
      await server.close();
      markClosed();
    };
  } else {
    const http = await startMcpHttpServer(
      (path) => (path === "/mcp" ? () => createMcpServer(options.registry, info) : undefined),
      options.transport.http,
    );
    url = `${http.origin}/mcp`;
    token = http.token;
    close = async () => {
      await http.close();
      markClosed();
    };
  }
  options.signal?.addEventListener("abort", () => void close(), { once: true });
  return { url, token, closed, close };
}
