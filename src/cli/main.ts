import { readFileSync } from "node:fs";
import { ArkyError } from "../protocol/index.js";
import { parseRunArgs } from "./args.js";
import { demoCommand } from "./demo.js";
import { type CliIo, processIo } from "./io.js";
import { mcpServeCommand } from "./mcp-serve.js";
import { runCommand } from "./run.js";
import { sessionsCommand } from "./sessions.js";

const HELP = `arky: AI agents from the terminal

Usage:
  arky demo [--keep]             an offline run: scripted model, real tools on a temporary folder
                                 (--keep: leave the folder in place and print its path)
  arky run "<prompt>" [options]  one headless turn on the Anthropic API (ANTHROPIC_API_KEY)

Options of run:
  -o, --output text|json|stream-json   how to print (default text)
  -m, --model <id>                     model id (default $ARKY_MODEL or claude-sonnet-5-5)
      --system <text>                  system prompt
      --max-turns <n>                  most model calls in the turn (default 25)
      --tools read-only|all|none       built-in tools offered (default read-only: read, glob, grep, todos;
                                       all adds bash, write, edit and web_fetch, which sends data out)
      --cwd <dir>                      working folder of the tools (default: the current one)
      --base-url <url>                 an Anthropic-compatible endpoint (or $ANTHROPIC_BASE_URL)
  -r, --resume <id>                    continue a stored session (a unique prefix of its id will do)
  -c, --continue                       continue the most recently updated session
      --no-store                       do not record the session (by default every run is stored
                                       in $ARKY_HOME/sessions.db, else ~/.arky/sessions.db)

  arky sessions list [--json] [--limit <n>]          stored sessions, most recent first
  arky sessions show <id> [--json]                   metadata and a summary of the conversation
  arky sessions replay <id> [--json] [--no-deltas]   re-render the stored events (as arky run does)
  arky sessions export <id> [--format jsonl|markdown] [--out <file>]
  arky sessions rm <id>                              delete a session

  arky mcp serve [--http <port>] [--host <addr>] [--tools read-only|all] [--cwd <dir>]
                                 offer the built-in tools as an MCP server (stdio by default;
                                 beyond loopback the bearer token comes from $ARKY_MCP_TOKEN)

  arky help | --help     this text
  arky --version         the version
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the `arky` command with `argv` (without node and the script). Returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "demo":
        return await demoCommand(io, { keep: rest.includes("--keep") });
      case "run": {
        const args = parseRunArgs(rest);
        if (args.help) {
          io.stdout.write(HELP);
          return 0;
        }
        return await runCommand(args, io);
      }
      case "sessions":
        return await sessionsCommand(rest, io);
      case "mcp":
        if (rest[0] !== "serve") {
          io.stderr.write('arky mcp: the only subcommand is "serve". Run `arky help`.\n');
          return 2;
        }
        return await mcpServeCommand(rest.slice(1), io);
      case "--version":
      case "-v":
        io.stdout.write(`${version()}\n`);
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(HELP);
        return 0;
      default:
        io.stderr.write(`arky: unknown command "${command}". Run \`arky help\` for the commands.\n`);
        return 2;
    }
  } catch (error) {
    if (ArkyError.isArkyError(error)) {
      io.stderr.write(`arky: ${error.message}\n${error.correction ? `${error.correction}\n` : ""}`);
      return error.code === "configuration" || error.code === "session-not-found" ? 2 : 1;
    }
    throw error;
  }
}
