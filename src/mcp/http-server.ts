import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { ArkyError } from "../protocol/index.js";
import { BoundedEventStore } from "./event-store.js";

/** Options of the Streamable HTTP server. */
export interface McpHttpOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /**
   * Bearer token every request must carry (`Authorization: Bearer <token>`). Undefined: a
   * random one is generated (see {@link McpHttpServer.token}). `false` serves without a token,
   * allowed on loopback only: every local user can then call the tools (meant for tests).
   */
  token?: string | false;
  /**
   * Browser origins allowed besides loopback ones (`http://localhost:3000`…). A request with
   * any other `Origin` header gets 403 (DNS-rebinding protection); no `Origin` is allowed.
   */
  allowedOrigins?: readonly string[];
  /** Open sessions kept at most; beyond it the least recently used is closed (default 100). */
  maxSessions?: number;
  /**
   * When false, the server and its connections do not keep Node alive (a bridge that lives
   * as long as its owner's work, not a server of its own). Default true.
   */
  keepAlive?: boolean;
}

/** A running HTTP MCP server. */
export interface McpHttpServer {
  /** Where it listens, e.g. `http://127.0.0.1:43123` (endpoints are paths below it). */
  origin: string;
  /** The bearer token requests must carry (generated when none was given); undefined with `token: false`. */
  token: string | undefined;
  close(): Promise<void>;
}

/** The MCP server for a new client session at a path, or undefined when nothing is served there (404). */
export type McpRoute = (pathname: string) => (() => Server) | undefined;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
/** Loopback host names as `URL.hostname` spells them. */
const LOOPBACK_NAMES = new Set(["127.0.0.1", "[::1]", "localhost"]);
const TOO_LARGE = "body too large";

/**
 * Starts a Streamable HTTP MCP server: stateful, one SDK server and transport per client
 * session (made by `route` at the client's `initialize`), never one per request.
 */
export async function startMcpHttpServer(
  route: McpRoute,
  { port = 0, host = "127.0.0.1", maxSessions = 100, keepAlive = true, ...options }: McpHttpOptions,
): Promise<McpHttpServer> {
  const loopback = LOOPBACK.has(host);
  if (!loopback && options.token === false)
    throw new ArkyError({
      code: "configuration",
      message: `Serving MCP on ${host} (beyond loopback) requires a bearer token.`,
      correction: "Pass http.token (or leave it unset to have one generated), or bind 127.0.0.1.",
    });
  if (options.token === "")
    throw new ArkyError({ code: "configuration", message: "The MCP bearer token is empty." });
  const token =
    options.token === false ? undefined : (options.token ?? randomBytes(24).toString("base64url"));
  const allowedOrigins = new Set(options.allowedOrigins);
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; path: string }>();
  let allowedHosts: Set<string> = new Set();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://host");
    const serverFor = route(url.pathname);
    if (!serverFor) return reply(res, 404, "Not found");
    // A browser page on another origin must not reach a loopback server through DNS rebinding.
    if (loopback && !allowedHosts.has(req.headers.host ?? "")) return reply(res, 403, "Forbidden host");
    const origin = header(req, "origin");
    if (origin !== undefined && !allowedOrigins.has(origin) && !isLoopbackOrigin(origin))
      return reply(res, 403, "Forbidden origin");
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader("www-authenticate", 'Bearer realm="arky"');
      return reply(res, 401, "Missing or invalid bearer token");
    }
    const sessionId = header(req, "mcp-session-id");
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session || session.path !== url.pathname) return jsonRpcError(res, 404, "Session not found");
      // Most recently used last, so the oldest idle session is the first to go when full.
      sessions.delete(sessionId);
      sessions.set(sessionId, session);
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== "POST") return jsonRpcError(res, 400, "Missing mcp-session-id header");
    const body = await readJson(req).catch((error: unknown) => error as Error);
    if (body instanceof Error)
      return body.message === TOO_LARGE
        ? jsonRpcError(res, 413, "The body is larger than 4 MiB")
        : jsonRpcError(res, 400, "The body is not valid JSON", -32700);
    if (!isInitializeRequest(body)) return jsonRpcError(res, 400, "Missing mcp-session-id header");
    const server = serverFor();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Resumable streams: a client whose SSE stream drops reconnects and gets what it missed.
      eventStore: new BoundedEventStore(),
      retryInterval: 1000,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, path: url.pathname });
        if (sessions.size > maxSessions) {
          const [oldest] = sessions.values();
          // Closing an evicted session can only fail if it is already closed.
          void oldest?.transport.close().catch(() => {});
        }
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) jsonRpcError(res, 500, `Internal error: ${(error as Error).message}`, -32603);
      else res.end();
    });
  });
  if (!keepAlive) {
    http.unref();
    http.on("connection", (socket) => socket.unref());
  }
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  const bound = (http.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${bound}`, `localhost:${bound}`, `[::1]:${bound}`]);
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    origin: `http://${shownHost}:${bound}`,
    token,
    close: async () => {
      // Shutting down: a session that fails to close is gone either way.
      await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => {})));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_NAMES.has(url.hostname);
  } catch {
    return false;
  }
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(TOO_LARGE);
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain" }).end(text);
}

function jsonRpcError(res: ServerResponse, status: number, message: string, code = -32000): void {
  res
    .writeHead(status, { "content-type": "application/json" })
    .end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
