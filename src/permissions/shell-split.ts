/** A shell command split into the simple commands it runs. */
export interface SplitCommand {
  /** The simple commands, trimmed, empty ones left out. */
  parts: string[];
  /**
   * True when the command contains constructs a prefix or glob cannot vouch for: command
   * substitution, process substitution, or redirection to a file. Allow rules never match
   * such commands (deny rules still do).
   */
  unsafe: boolean;
}

// Redirections that write nowhere and are common in harmless commands.
const HARMLESS_REDIRECTS = /\s*(?:\d?>&\d|\d?>\s*\/dev\/null)/g;

/**
 * Splits a shell command on `&&`, `||`, `;`, `|`, `&`, newlines and parentheses outside
 * quotes, so rules can judge every command that would run: `git status && rm -rf x` is
 * two commands, and an allow rule for `git status` does not allow the second. The
 * contents of `$(…)` and backticks become parts of their own (so deny rules see them) and
 * mark the command unsafe.
 */
export function splitShellCommand(command: string): SplitCommand {
  const source = command.replace(HARMLESS_REDIRECTS, "");
  const parts: string[] = [];
  let unsafe = false;
  let current = "";
  let quote: "'" | '"' | undefined;
  const flush = () => {
    const trimmed = current.trim();
    if (trimmed) parts.push(trimmed);
    current = "";
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      current += c;
      continue;
    }
    if (c === "\\" && next !== undefined) {
      current += c + next;
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "`" || (c === "$" && next === "(")) {
        unsafe = true;
      }
      current += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      current += c;
      continue;
    }
    if (c === "`" || (c === "$" && next === "(") || ((c === "<" || c === ">") && next === "(")) {
      unsafe = true;
      flush();
      if (c !== "`") i++;
      continue;
    }
    if (c === ">") unsafe = true;
    if (c === ";" || c === "|" || c === "&" || c === "\n" || c === "(" || c === ")") {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return { parts, unsafe };
}
