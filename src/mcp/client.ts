import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  GetPromptResult,
  Tool as McpTool,
  Prompt,
  ReadResourceResult,
  Resource,
} from "@modelcontextprotocol/sdk/types.js";
import { ArkyError, cancelledError, classifyHttpError } from "../protocol/index.js";
import type { Tool, ToolResult } from "../tools/index.js";
import { type McpServerConfig, type ResolvedMcpServerConfig, resolveMcpServer } from "./config.js";
import { capText, fromMcpToolResult } from "./content.js";
import { classifyMcpError, isSchemaError } from "./errors.js";
import { mcpToolsAsArkyTools } from "./tool-adapter.js";
import { type CreateTransportOptions, createTransport, transportKinds } from "./transports.js";

/** Options of an {@link McpClient}. */
export interface McpClientOptions extends CreateTransportOptions {
  /** The server's name: tools become `mcp/<name>/<tool>`. */
  name: string;
  config: McpServerConfig;
  /** Timeout of one request (a tool call, a read), in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Characters of text a tool result may give the model; the rest is cut with a note (default 100 000). */
  maxResultChars?: number;
  /** Timeout of connecting and the initialize handshake, in milliseconds (default 30 000). */
  connectTimeoutMs?: number;
  /** How this client introduces itself (default `arky`). */
  clientInfo?: { name: string; version: string };
}

/** Per-request options. */
export interface McpRequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this request. */
  timeoutMs?: number;
}

type Fail = (error: ArkyError) => void;

/**
 * A connection to one MCP server (official SDK client) that survives the server: it
 * connects lazily, and after the server dies, restarts or drops the session, the next
 * request reconnects (a stdio server is started again). Every failure is a classified
 * ArkyError: `tool-timeout`, `protocol` (schema-invalid frames), `tool-execution` (the
 * server failed or went away), `connection` / `executable-not-found` (cannot connect).
 */
export class McpClient {
  readonly name: string;
  /** The server's entry, with its defaults filled in. */
  readonly config: ResolvedMcpServerConfig;
  readonly timeoutMs: number;
  readonly maxResultChars: number;
  readonly #options: McpClientOptions;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #closed = false;
  readonly #inFlight = new Set<Fail>();

  constructor(options: McpClientOptions) {
    this.name = options.name;
    this.config = resolveMcpServer(options.name, options.config, `the MCP client "${options.name}"`);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxResultChars = options.maxResultChars ?? 100_000;
    this.#options = options;
  }

  /** Connects now (otherwise the first request does). */
  async connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#ensure(options.signal);
  }

  /** Whether a live connection is open. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** The server's tools, every page. */
  async listTools(options: McpRequestOptions = {}): Promise<McpTool[]> {
    return this.#pages("tools/list", options, async (c, params, o) => {
      const page = await c.listTools(params, o);
      return [page.tools, page.nextCursor];
    });
  }

  /** The server's tools as Arky tools named `mcp/<server>/<tool>`. */
  async tools(options: McpRequestOptions = {}): Promise<Tool[]> {
    return mcpToolsAsArkyTools(this, await this.listTools(options));
  }

  /** Calls a tool by its MCP name; the result is converted to Arky content. */
  async callTool(
    name: string,
    input: Record<string, unknown>,
    options: McpRequestOptions = {},
  ): Promise<ToolResult> {
    const result = await this.#request(
      `tool ${name}`,
      (c, o) => c.callTool({ name, arguments: input }, undefined, o),
      options,
      false,
    );
    return capText(fromMcpToolResult(result as Parameters<typeof fromMcpToolResult>[0]), this.maxResultChars);
  }

  /** The server's resources, every page. */
  async listResources(options: McpRequestOptions = {}): Promise<Resource[]> {
    return this.#pages("resources/list", options, async (c, params, o) => {
      const page = await c.listResources(params, o);
      return [page.resources, page.nextCursor];
    });
  }

  /** Reads one resource. */
  readResource(uri: string, options: McpRequestOptions = {}): Promise<ReadResourceResult> {
    return this.#request(`resource ${uri}`, (c, o) => c.readResource({ uri }, o), options);
  }

  /** The server's prompts, every page. */
  async listPrompts(options: McpRequestOptions = {}): Promise<Prompt[]> {
    return this.#pages("prompts/list", options, async (c, params, o) => {
      const page = await c.listPrompts(params, o);
      return [page.prompts, page.nextCursor];
    });
  }

  /** Gets one prompt with its arguments filled in. */
  getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: McpRequestOptions = {},
  ): Promise<GetPromptResult> {
    return this.#request(`prompt ${name}`, (c, o) => c.getPrompt({ name, arguments: args }, o), options);
  }

  /** Closes the connection (stopping a stdio server). Further requests fail. */
  async close(): Promise<void> {
    this.#closed = true;
    // Closing: a connection that failed has nothing to close, and a failing close leaves nothing to do.
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    this.#connecting = undefined;
    await client?.close().catch(() => {});
  }

  /** Every page of a list request, following `nextCursor`. */
  async #pages<T>(
    what: string,
    options: McpRequestOptions,
    page: (
      client: Client,
      params: { cursor?: string },
      options: RequestOptions,
    ) => Promise<[T[], string | undefined]>,
  ): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    do {
      const [items, next] = await this.#request(
        what,
        (c, o) => page(c, cursor ? { cursor } : {}, o),
        options,
      );
      all.push(...items);
      cursor = next;
    } while (cursor);
    return all;
  }

  async #request<T>(
    what: string,
    run: (client: Client, options: RequestOptions) => Promise<T>,
    options: McpRequestOptions,
    idempotent = true,
    attempt = 0,
  ): Promise<T> {
    const { signal } = options;
    const client = await this.#ensure(signal);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let fail: Fail = () => {};
    const faulted = new Promise<never>((_, reject) => {
      fail = (error) => {
        reject(error);
        controller.abort(error);
      };
    });
    faulted.catch(() => {}); // only raced below; a fault after the request settled has no one to tell
    this.#inFlight.add(fail);
    try {
      const timeout = options.timeoutMs ?? this.timeoutMs;
      return await Promise.race([run(client, { signal: controller.signal, timeout }), faulted]);
    } catch (thrown) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      const classified = classifyMcpError(thrown, { server: this.name, what });
      if (classified.connectionLost) this.#drop(client);
      // A lost session means the server never saw the request: retrying is always safe. A
      // dropped connection may have lost the answer of a request the server ran, so only
      // reads are retried then; a tool call reports the failure instead of running twice.
      const retry = classified.sessionExpired || (idempotent && classified.connectionLost);
      if (retry && attempt === 0 && !this.#closed)
        return this.#request(what, run, options, idempotent, attempt + 1);
      throw classified.error;
    } finally {
      this.#inFlight.delete(fail);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  #drop(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    void client.close().catch(() => {}); // already dropped as faulty: its close may fail too
  }

  #ensure(signal: AbortSignal | undefined): Promise<Client> {
    if (this.#closed)
      return Promise.reject(
        new ArkyError({ code: "configuration", message: `MCP client "${this.name}" is closed.` }),
      );
    if (this.#client) return Promise.resolve(this.#client);
    // One connection attempt is shared by every waiting request, so it does not take any
    // one caller's signal: a caller that gives up stops waiting, the attempt goes on.
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    const connecting = this.#connecting;
    if (!signal) return connecting;
    return new Promise<Client>((resolve, reject) => {
      if (signal.aborted) return reject(cancelledError(signal.reason));
      const onAbort = () => reject(cancelledError(signal.reason));
      signal.addEventListener("abort", onAbort, { once: true });
      connecting.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  async #open(): Promise<Client> {
    let lastError: unknown;
    for (const kind of transportKinds(this.config)) {
      const transport = createTransport(this.config, kind, this.#options);
      const client = new Client(this.#options.clientInfo ?? { name: "arky", version: "0.1.0" }, {
        capabilities: {},
      });
      client.onclose = () => {
        if (this.#client === client) this.#client = undefined;
      };
      client.onerror = (error) => {
        // Non-JSON lines are noise (a stray log) and are skipped; a JSON line that is not a
        // valid MCP message means the server is broken, so the calls waiting on it fail.
        if (!isSchemaError(error)) return;
        const classified = classifyMcpError(error, { server: this.name, what: "frame" });
        for (const fail of this.#inFlight) fail(classified.error);
      };
      try {
        await client.connect(transport, { timeout: this.#options.connectTimeoutMs ?? 30_000 });
        if (this.#closed) {
          await client.close().catch(() => {}); // the cancelled error below is what the caller needs
          throw new ArkyError({
            code: "cancelled",
            message: `MCP client "${this.name}" was closed while connecting.`,
          });
        }
        this.#client = client;
        return client;
      } catch (error) {
        lastError = error;
        await client.close().catch(() => {}); // the connect error is kept in lastError
        if (ArkyError.isArkyError(error) || !worthAnotherTransport(error)) break;
      }
    }
    throw connectError(this.name, lastError);
  }
}

/**
 * Whether a failed Streamable HTTP connection may work over legacy SSE: only when the
 * server answered with a 4xx that says "not here" (400, 404, 405), as the MCP spec's
 * backwards-compatibility rule has it. Refused credentials or an unreachable host would
 * fail the same way again.
 */
function worthAnotherTransport(error: unknown): boolean {
  const status = (error as { code?: unknown } | undefined)?.code;
  return status === 400 || status === 404 || status === 405;
}

function connectError(server: string, cause: unknown): ArkyError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (typeof errno === "number" && errno >= 400 && errno < 600) {
    // The SDK's HTTP transports put the response status in `code`.
    const classified = classifyHttpError({ status: errno, provider: `mcp:${server}`, cause });
    return new ArkyError({
      code: classified.code,
      message: `Could not connect to MCP server "${server}": ${message}`,
      httpStatus: errno,
      correction:
        errno === 401 || errno === 403 ? "Check the server's headers (e.g. its bearer token)." : undefined,
      cause,
    });
  }
  return new ArkyError({
    code: errno === "ENOENT" ? "executable-not-found" : "connection",
    message: `Could not connect to MCP server "${server}": ${message}`,
    correction: errno === "ENOENT" ? "Check the server's command in the MCP configuration." : undefined,
    cause,
  });
}
