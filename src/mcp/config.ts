import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ArkyError } from "../protocol/index.js";

const stdioServerSchema = z.strictObject({
  type: z.literal("stdio").optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
});

const httpServerSchema = z.strictObject({
  /** `http` (Streamable HTTP only), `sse` (legacy SSE only); absent: Streamable HTTP, falling back to SSE. */
  type: z.enum(["http", "sse"]).optional(),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
});

const serverSchema = z.union([stdioServerSchema, httpServerSchema]);
const fileSchema = z.object({ mcpServers: z.record(z.string(), z.unknown()) });

/**
 * An MCP server started as a subprocess speaking JSON-RPC over stdin/stdout: `command`, and
 * optionally `args` (default none), `env` (added to an allow-listed environment) and `cwd`.
 */
export type McpStdioServerConfig = z.input<typeof stdioServerSchema>;
/** An MCP server reached over HTTP (Streamable HTTP, or legacy SSE): `url`, optionally `headers` and `type`. */
export type McpHttpServerConfig = z.input<typeof httpServerSchema>;
/** One entry of `mcpServers`. */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;
/** Servers by name, as in `.mcp.json`'s `mcpServers`. */
export type McpServersConfig = Record<string, McpServerConfig>;
/** The shape of an `.mcp.json` file: the servers under `mcpServers`. */
export interface McpConfigFile {
  mcpServers: McpServersConfig;
}

/** A server entry checked and with its defaults filled in (`args`, `env`, `headers`). */
export type ResolvedMcpServerConfig = z.output<typeof serverSchema>;

/** Options of {@link parseMcpConfig} and {@link loadMcpConfig}. */
export interface McpConfigOptions {
  /** Where the config came from, for error messages (default `.mcp.json`). */
  source?: string;
  /** Variables for `${VAR}` and `${VAR:-default}` references (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Whether a server entry is a stdio one. */
export function isStdioServer(config: McpServerConfig): config is McpStdioServerConfig {
  return "command" in config;
}

/**
 * Validates an `.mcp.json` document (`{ "mcpServers": { name: { command, args, env } |
 * { url, headers, type? } } }`) and expands `${VAR}` / `${VAR:-default}` references in
 * strings. Throws a `configuration` ArkyError naming the source and the server.
 */
export function parseMcpConfig(
  document: unknown,
  options: McpConfigOptions = {},
): Record<string, ResolvedMcpServerConfig> {
  const source = options.source ?? ".mcp.json";
  const env = options.env ?? process.env;
  const file = fileSchema.safeParse(document);
  if (!file.success)
    throw configError(source, `it must be an object with "mcpServers": ${z.prettifyError(file.error)}`);
  const servers: Record<string, ResolvedMcpServerConfig> = {};
  for (const [name, raw] of Object.entries(file.data.mcpServers)) {
    servers[name] = expand(
      resolveMcpServer(name, raw, source),
      (missing) =>
        configError(source, `server "${name}" uses \${${missing}}, which is not set and has no default`),
      env,
    );
  }
  return servers;
}

/**
 * Checks one server entry and fills in its defaults. Throws a `configuration` ArkyError
 * naming the server and `source` (where the entry came from).
 */
export function resolveMcpServer(name: string, config: unknown, source: string): ResolvedMcpServerConfig {
  const parsed = serverSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  throw configError(
    source,
    `server "${name}" needs either "command" (stdio) or "url" (http): ${z.prettifyError(parsed.error)}`,
  );
}

/**
 * Whether a config is an `.mcp.json` document (`{ mcpServers: { … } }`) rather than the
 * servers by name: its `mcpServers` is an object, and not itself one server's entry.
 */
export function isMcpConfigFile(config: unknown): config is McpConfigFile {
  const servers = (config as { mcpServers?: unknown } | null)?.mcpServers;
  return typeof servers === "object" && servers !== null && !("command" in servers) && !("url" in servers);
}

/** Reads and validates an `.mcp.json` file. See {@link parseMcpConfig}. */
export async function loadMcpConfig(
  file: string,
  options: McpConfigOptions = {},
): Promise<Record<string, ResolvedMcpServerConfig>> {
  const source = options.source ?? file;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw configError(source, `it cannot be read (${(cause as Error).message})`, cause);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw configError(source, `it is not valid JSON (${(cause as Error).message})`, cause);
  }
  return parseMcpConfig(document, { ...options, source });
}

function expand<T>(
  value: T,
  onMissing: (name: string) => ArkyError,
  env: Record<string, string | undefined>,
): T {
  if (typeof value === "string") {
    return value.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_match, name: string, fallback?: string) => {
        const found = env[name] ?? fallback;
        if (found === undefined) throw onMissing(name);
        return found;
      },
    ) as T;
  }
  if (Array.isArray(value)) return value.map((v) => expand(v, onMissing, env)) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, onMissing, env)])) as T;
  return value;
}

function configError(source: string, problem: string, cause?: unknown): ArkyError {
  return new ArkyError({
    code: "configuration",
    message: `Invalid MCP configuration in ${source}: ${problem}`,
    correction: 'Each server is { "command", "args", "env" } or { "url", "headers", "type" }.',
    cause,
  });
}
