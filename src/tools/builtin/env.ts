/**
 * Environment variables passed to subprocesses by default. Everything else (API keys,
 * tokens, cloud credentials) stays out unless the caller passes it explicitly.
 */
export const ENV_ALLOWLIST: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_CTYPE",
  "LC_MESSAGES",
  "TMPDIR",
  "TEMP",
  "TMP",
  "TZ",
  "COLORTERM",
  "NO_COLOR",
  "SYSTEMROOT",
  "COMSPEC",
  "PATHEXT",
];

/**
 * The environment for a subprocess: the allowlisted variables of `base` (default
 * `process.env`) plus `additions`, which win. Values that are undefined are dropped.
 */
export function filteredEnv(
  additions: Record<string, string | undefined> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ENV_ALLOWLIST) {
    const value = base[key];
    if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(additions)) if (value !== undefined) env[key] = value;
  return env;
}
