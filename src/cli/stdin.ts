import { fstatSync } from "node:fs";
import { isatty } from "node:tty";
import type { CliIo } from "./io.js";

/** Standard input as `arky run` sees it. */
export interface CliStdin {
  /** A terminal: never read. */
  isTTY: boolean;
  /** A shell pipe or a redirected file, which ends: read even when a prompt argument is given. */
  piped: boolean;
  /** Everything up to the end of input. */
  read(): Promise<string>;
}

/** The process's standard input (read lazily, so an unused stdin never holds the process). */
export function processStdin(): CliStdin {
  let piped = false;
  try {
    const stat = fstatSync(0);
    piped = stat.isFIFO() || stat.isFile();
  } catch {
    // No usable stdin (closed): treated as neither a terminal nor a pipe.
  }
  return {
    isTTY: isatty(0),
    piped,
    read: async () => {
      let text = "";
      process.stdin.setEncoding("utf8");
      for await (const chunk of process.stdin) text += chunk;
      return text;
    },
  };
}

/**
 * The prompt of `arky run`: the argument; without one, standard input unless it is a
 * terminal (`echo "…" | arky run`). With both, stdin is appended after a blank line
 * (`cat log | arky run "Explain this"`), but only from a shell pipe or a file: a parent
 * process's open pipe or socket may never end, so it is not waited for then.
 */
export async function promptOf(argument: string, io: CliIo): Promise<string> {
  const stdin = io.stdin;
  const given = argument.trim();
  if (!stdin || stdin.isTTY || (given && !stdin.piped)) return given;
  const input = (await stdin.read()).trim();
  if (!given) return input;
  return input ? `${given}\n\n${input}` : given;
}
