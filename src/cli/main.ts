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
  arky demo [--keep]             an offline run: scripted model, real tools on a temporary folder,
                                 edits allowed in that folder plus its one check command (acceptEdits)
                                 (--keep: leave the folder in place and print its path)
  arky run "<prompt>" [options]  one headless turn on the Anthropic API (ANTHROPIC_API_KEY)
  echo "<prompt>" | arky run     the prompt from stdin when no prompt is given; with both,
                                 piped stdin is appended to the prompt after a blank line
  arky -p "<prompt>" [options]   the same as arky run (-p/--print, as in claude -p)

Options of run:
  -o, --output text|json|stream-json   how to print (default text; json: one object;
                                       stream-json: every event as JSON Lines, one per line)
  -m, --model <id>                     model id (default $ARKY_MODEL, else "model" of the
                                       settings files, else claude-sonnet-5-5)
      --system <text>                  system prompt
      --max-turns <n>                  most model calls in the turn (default 25)
      --tools read-only|all|none       built-in tools offered (default read-only: read, glob, grep, todos;
                                       all adds bash, write, edit and web_fetch, which sends data out)
      --permission-mode <mode>         default | acceptEdits | plan | bypass (or bypassPermissions).
                                       default: read-only tools run; anything that writes or executes
                                       needs an allow rule, and without one it is refused (run cannot ask);
                                       acceptEdits: file edits in the working folder run too;
                                       plan: read-only tools only; bypass: everything no deny rule stops
      --allowed-tools <rules...>       allow rules, comma- or space-separated, as in Claude Code:
                                       --allowed-tools "Bash(npm test)" Read  (the list runs to the next
                                       option: put the prompt first, or end the list with --)
      --disallowed-tools <rules...>    deny rules, the same way; deny beats allow
      --cwd <dir>                      working folder of the tools (default: the current one)
      --base-url <url>                 an Anthropic-compatible endpoint (or $ANTHROPIC_BASE_URL)
  -r, --resume <id>                    continue a stored session (a unique prefix of its id will do)
  -c, --continue                       continue the most recently updated session
      --no-store                       do not record the session (by default every run is stored
                                       in $ARKY_HOME/sessions.db, else ~/.arky/sessions.db)
  -p, --print                          accepted for claude -p habits; run always prints and exits

Settings of run, as Claude Code reads them (later wins; flags win over all):
  ~/.claude/settings.json, ~/.arky/settings.json, then in the working folder
  .claude/settings.json, .arky/settings.json, .claude/settings.local.json:
  permissions (allow / deny / ask rules, defaultMode), command hooks, model, and env
  (given to bash and hooks; never where the API key is sent)

  arky sessions list [--json] [--limit <n>]          stored sessions, most recent first
  arky sessions show <id> [--json]                   metadata and a summary of the conversation
  arky sessions replay <id> [--json] [--no-deltas]   re-render the stored events (as arky run does)
  arky sessions export <id> [--format jsonl|markdown] [--out <file>]
  arky sessions rm <id>                              delete a session
  (--json prints JSON Lines: one JSON object per line)

  arky mcp serve [--http <port>] [--host <addr>] [--tools read-only|all] [--cwd <dir>]
                                 offer the built-in tools as an MCP server (stdio by default;
                                 beyond loopback the bearer token comes from $ARKY_MCP_TOKEN)

  arky help | --help     this text
  arky --version         the version

Output cut short by a closed pipe (arky sessions list --json | head -1) ends arky quietly, status 0.
Needs Node >= 22.13.
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
      case "run":
      case "-p":
      case "--print": {
        const args = parseRunArgs(command === "run" ? rest : argv);
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
