/**
 * Variables a child process inherits from the host by default. Everything else (API keys,
 * `NODE_OPTIONS`, `LD_PRELOAD`, `DYLD_*`…) is left out unless the caller passes it.
 */
export const DEFAULT_INHERITED_ENV: readonly string[] =
  process.platform === "win32"
    ? [
        "APPDATA",
        "HOMEDRIVE",
        "HOMEPATH",
        "LOCALAPPDATA",
        "PATH",
        "PROCESSOR_ARCHITECTURE",
        "SYSTEMDRIVE",
        "SYSTEMROOT",
        "TEMP",
        "TMP",
        "USERNAME",
        "USERPROFILE",
        "PROGRAMFILES",
      ]
    : ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LANG", "LANGUAGE", "TMPDIR", "TZ", "COLORTERM"];

/**
 * The locale categories (POSIX and glibc) a child inherits. Only these: any other `LC_*`
 * name is no locale setting and may carry anything (a secret forwarded over SSH, say).
 */
export const LOCALE_ENV: readonly string[] = [
  "LC_ALL",
  "LC_CTYPE",
  "LC_NUMERIC",
  "LC_TIME",
  "LC_COLLATE",
  "LC_MONETARY",
  "LC_MESSAGES",
  "LC_PAPER",
  "LC_NAME",
  "LC_ADDRESS",
  "LC_TELEPHONE",
  "LC_MEASUREMENT",
  "LC_IDENTIFICATION",
];

/** Options of {@link buildChildEnv}. */
export interface ChildEnvOptions {
  /** Set (string) or remove (undefined) variables; these win over inherited ones. */
  env?: Record<string, string | undefined>;
  /** More host variable names to inherit, on top of {@link DEFAULT_INHERITED_ENV}. */
  inherit?: readonly string[];
  /** The host environment to read from (default `process.env`). */
  source?: NodeJS.ProcessEnv;
}

/**
 * The environment of a child process: an allowlist of the host's variables plus explicit
 * additions. Nothing outside the allowlist is inherited, so secrets and loader hooks
 * only reach the child when the caller names them.
 */
export function buildChildEnv(options: ChildEnvOptions = {}): Record<string, string> {
  const source = options.source ?? process.env;
  const names = new Set([...DEFAULT_INHERITED_ENV, ...LOCALE_ENV, ...(options.inherit ?? [])]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (names.has(name)) out[name] = value;
  }
  // Functions in the environment are a shell-injection vector (Shellshock); never pass them on.
  for (const [name, value] of Object.entries(out)) if (value.startsWith("()")) delete out[name];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}
