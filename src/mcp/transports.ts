import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { filteredEnv } from "../tools/builtin/env.js";
import { isStdioServer, type ResolvedMcpServerConfig } from "./config.js";

type StdioServer = Extract<ResolvedMcpServerConfig, { command: string }>;
type HttpServer = Extract<ResolvedMcpServerConfig, { url: string }>;

/** How a transport will be made for one connection attempt. */
export type TransportKind = "stdio" | "streamable-http" | "sse";

/** The transports to try for a server, in order (Streamable HTTP falls back to SSE unless `type` pins one). */
export function transportKinds(config: ResolvedMcpServerConfig): TransportKind[] {
  if (isStdioServer(config)) return ["stdio"];
  if (config.type === "http") return ["streamable-http"];
  if (config.type === "sse") return ["sse"];
  return ["streamable-http", "sse"];
}

/** Options for creating a client transport. */
export interface CreateTransportOptions {
  /** Folder a stdio server starts in when its config has no `cwd`. */
  cwd?: string;
  /** Receives the stdio server's stderr, line by line (it is otherwise discarded). */
  onStderr?: (line: string) => void;
}

/** Creates an unstarted client transport of the given kind. */
export function createTransport(
  config: ResolvedMcpServerConfig,
  kind: TransportKind,
  options: CreateTransportOptions = {},
): Transport {
  if (kind === "stdio") return stdioTransport(config as StdioServer, options);
  const http = config as HttpServer;
  const requestInit = { headers: http.headers };
  return kind === "sse"
    ? new SSEClientTransport(new URL(http.url), {
        requestInit,
        eventSourceInit: { fetch: withHeaders(http.headers) },
      })
    : new StreamableHTTPClientTransport(new URL(http.url), { requestInit });
}

function stdioTransport(config: StdioServer, options: CreateTransportOptions): StdioClientTransport {
  const transport = new StdioClientTransport({
    command: config.command,
    args: config.args,
    env: filteredEnv(config.env),
    cwd: config.cwd ?? options.cwd,
    stderr: "pipe",
  });
  let buffered = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    if (buffered.length > 64_000) buffered = buffered.slice(-64_000);
    for (const line of lines) options.onStderr?.(line);
  });
  return transport;
}

function withHeaders(headers: Record<string, string>): typeof fetch {
  return (url, init) => {
    const merged = new Headers(init?.headers);
    for (const [key, value] of Object.entries(headers)) merged.set(key, value);
    return fetch(url, { ...init, headers: merged });
  };
}
