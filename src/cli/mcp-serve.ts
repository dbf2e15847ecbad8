import { serveMcp } from "../mcp/index.js";
import { ArkyError } from "../protocol/index.js";
import { codingTools } from "../tools/builtin/index.js";
import { ToolRegistry } from "../tools/index.js";
import { parseCliArgs } from "./args.js";
import { abortOnInterrupt, type CliIo } from "./io.js";

const READ_ONLY = new Set(["read", "glob", "grep"]);

const OPTIONS = {
  http: { type: "string" },
  host: { type: "string" },
  tools: { type: "string" },
  cwd: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const HELP = `Usage: arky mcp serve [--http <port>] [--host <addr>] [--tools read-only|all] [--cwd <dir>]

Offers Arky's built-in tools as an MCP server.
  --http <port>    serve Streamable HTTP on this port (0 picks a free one); default: stdio
  --host <addr>    the address to listen on with --http (default 127.0.0.1); beyond loopback
                   a bearer token is required, read from $ARKY_MCP_TOKEN
  --tools <set>    read-only (read, glob, grep; the default) or all
  --cwd <dir>      the folder the tools work in (default: the current one)
  -h, --help       this text
`;

/**
 * `arky mcp serve [--http <port>] [--host <addr>] [--tools read-only|all] [--cwd <dir>]`:
 * offers Arky's built-in tools as an MCP server, over stdio (default) or Streamable HTTP.
 * HTTP always requires a bearer token, loopback included: `ARKY_MCP_TOKEN` (never from
 * arguments, which other users can see in the process list), or else a generated one,
 * shown once on stderr (beyond loopback the variable is required).
 */
export async function mcpServeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(argv, OPTIONS, false);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const tools = values.tools ?? "read-only";
  if (tools !== "read-only" && tools !== "all") {
    throw new ArkyError({
      code: "configuration",
      message: `--tools must be read-only or all, not "${tools}".`,
    });
  }
  const port = values.http === undefined ? undefined : Number(values.http);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new ArkyError({
      code: "configuration",
      message: `--http needs a port number (0 picks a free one).`,
    });
  }
  if (values.host !== undefined && port === undefined) {
    throw new ArkyError({ code: "configuration", message: "--host only applies with --http <port>." });
  }
  const host = values.host ?? "127.0.0.1";
  if (!["127.0.0.1", "::1", "localhost"].includes(host) && !io.env.ARKY_MCP_TOKEN) {
    throw new ArkyError({
      code: "configuration",
      message: `Serving MCP on ${host} (beyond loopback) requires a bearer token in ARKY_MCP_TOKEN.`,
    });
  }
  const all = await codingTools({ cwd: values.cwd ?? io.cwd });
  const registry = new ToolRegistry(tools === "all" ? all : all.filter((t) => READ_ONLY.has(t.name)));
  const controller = new AbortController();
  const stopListening = abortOnInterrupt(controller);
  try {
    const serving = await serveMcp({
      registry,
      signal: controller.signal,
      transport:
        port === undefined
          ? "stdio"
          : { http: { port, host: values.host, token: io.env.ARKY_MCP_TOKEN || undefined } },
    });
    // stdout is the protocol channel on stdio; talk to people on stderr.
    const names = registry.list().map((t) => t.name);
    const where = serving.url ? `at ${serving.url}` : "on stdio";
    io.stderr.write(`arky mcp: serving ${registry.size} tool(s) (${names.join(", ")}) ${where}\n`);
    if (serving.token && !io.env.ARKY_MCP_TOKEN)
      io.stderr.write(`arky mcp: bearer token (send as "Authorization: Bearer <token>"): ${serving.token}\n`);
    await serving.closed;
    return 0;
  } finally {
    stopListening();
  }
}
