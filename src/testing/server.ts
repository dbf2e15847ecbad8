import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ArkyError } from "../protocol/index.js";
import { anthropicRoutes, sendAnthropicError } from "./anthropic/index.js";
import { openaiResponsesRoute } from "./openai-responses/index.js";
import type { ScriptedRoute } from "./route.js";
import type { RecordedRequest, Script, ScriptStep } from "./script.js";
import { ScriptCursor } from "./script-cursor.js";

/** Options of {@link startScriptedModelServer}. */
export interface ScriptedModelServerOptions {
  /** The steps answering model calls, in order, or a function choosing each answer. Default `[]`. */
  script?: Script;
  /** Interface to bind. Default `127.0.0.1`; keep it on loopback. */
  host?: string;
  /** Port to bind. Default 0 (a free port). */
  port?: number;
  /** Extra API routes (e.g. another vendor's API) besides the built-in ones. */
  routes?: readonly ScriptedRoute[];
  /** Largest request body accepted, in bytes (default 64 MiB). */
  maxBodyBytes?: number;
}

/** A running scripted model server. */
export interface ScriptedModelServer extends AsyncDisposable {
  /** The server origin, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  /** What to set as `ANTHROPIC_BASE_URL` (or an SDK's `baseURL`): the origin, no `/v1`. */
  readonly baseUrl: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Steps not yet used (Infinity for a function script). */
  readonly remaining: number;
  /** Requests that found no step (script exhausted) or hit an unknown path. */
  readonly unexpectedRequests: number;
  /** What each unexpected request was, e.g. `GET /v1/models: no such endpoint`. */
  readonly unexpected: readonly string[];
  /** Responses the client abandoned before the server finished them (closed sockets). */
  readonly clientDisconnects: number;
  /** Responses in progress right now. */
  readonly activeResponses: number;
  /** Appends steps to an array script. */
  push(...steps: ScriptStep[]): void;
  /** Throws when steps are left over or a request was unexpected, saying which. */
  assertDone(): void;
  /** Stops listening and destroys every open connection (hanging streams included). */
  close(): Promise<void>;
}

const DEFAULT_ROUTES: readonly ScriptedRoute[] = [...anthropicRoutes, openaiResponsesRoute];

/**
 * Starts a real HTTP server on loopback that answers model API calls from a script:
 * the Anthropic Messages API (streaming and not, `count_tokens`), plus any `routes`
 * given. Each model call takes the next step; an exhausted script answers 500 and is
 * reported by `assertDone()`.
 */
export async function startScriptedModelServer(
  options: ScriptedModelServerOptions = {},
): Promise<ScriptedModelServer> {
  const { script = [], host = "127.0.0.1", port = 0, routes = [], maxBodyBytes = 64 * 1024 * 1024 } = options;
  const allRoutes = [...routes, ...DEFAULT_ROUTES];
  const cursor = new ScriptCursor(script);
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  const sockets = new Set<Socket>();
  const active = new Set<AbortController>();
  let clientDisconnects = 0;

  const server = createServer((req, res) => {
    const controller = new AbortController();
    active.add(controller);
    res.on("close", () => {
      active.delete(controller);
      if (!res.writableFinished) {
        clientDisconnects++;
        controller.abort();
      }
    });
    handle(req, res, controller.signal).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`Scripted model server failed: ${String(error)}`);
      } else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const requestId = `req_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    res.setHeader("request-id", requestId);
    const url = new URL(req.url ?? "/", "http://scripted.invalid");
    const route = allRoutes.find((r) => r.method === req.method && r.path === url.pathname);
    const raw = await readBody(req, maxBodyBytes);
    if (!route && isConnectivityProbe(req.method, url.pathname)) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.method === "HEAD" ? undefined : "{}");
      return;
    }
    if (!route) {
      unexpected.push(`${req.method} ${url.pathname}: no such endpoint`);
      return sendAnthropicError(res, 404, "not_found_error", `Not found: ${url.pathname}`);
    }
    if (raw === undefined) return route.sendError(res, 413, "request_too_large", "Request body too large.");
    let body: unknown = raw;
    let parsed = false;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
      parsed = true;
    } catch {
      // Recorded as raw text below, so a test can see what was sent.
    }
    const request: RecordedRequest = {
      api: route.api,
      method: req.method ?? "POST",
      path: req.url ?? url.pathname,
      headers: flattenHeaders(req),
      body,
      stream: parsed && route.isStream(body),
      receivedAt: Date.now(),
    };
    requests.push(request);
    if (!parsed)
      return route.sendError(res, 400, "invalid_request_error", "The request body is not valid JSON.");

    let step: ScriptStep | undefined;
    if (route.takesStep) {
      const taken = cursor.next(request);
      if ("problem" in taken) {
        unexpected.push(`${req.method} ${url.pathname} (request #${requests.length}): ${taken.problem}`);
        return route.sendError(res, 500, "api_error", `Scripted model server: ${taken.problem}`);
      }
      step = taken.step;
    }
    await route.handle({ req, res, request, bodyLength: raw.length, step, signal, requestId });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new ArkyError({
          code: "configuration",
          message: `The scripted model server could not listen on ${host}:${port}: ${error.message}`,
          correction: "Use port 0 for a free port, and a local interface such as 127.0.0.1.",
          cause: error,
        }),
      );
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const controller of active) controller.abort();
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return {
    url: origin,
    baseUrl: origin,
    requests,
    get remaining() {
      return cursor.remaining;
    },
    get unexpectedRequests() {
      return unexpected.length;
    },
    get unexpected() {
      return [...unexpected];
    },
    get clientDisconnects() {
      return clientDisconnects;
    },
    get activeResponses() {
      return active.size;
    },
    push: (...steps) => cursor.push(steps),
    assertDone() {
      const problems = [...unexpected];
      if (cursor.remaining > 0 && Number.isFinite(cursor.remaining))
        problems.push(`${cursor.remaining} scripted step(s) were never requested`);
      if (problems.length) throw new Error(`Scripted model server: ${problems.join("; ")}`);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Claude Code sends `HEAD /api/hello` before its first call to check the base URL is
 * reachable; answering such probes keeps them out of `unexpected`.
 */
function isConnectivityProbe(method: string | undefined, pathname: string): boolean {
  return method === "HEAD" || (method === "GET" && pathname === "/api/hello");
}

/** Reads the body as text; undefined when it exceeds `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
