import { buildChildEnv, DEFAULT_INHERITED_ENV } from "../../process/index.js";

/**
 * Environment variables passed to subprocesses by default (plus the `LC_*` locale categories): the shared
 * allowlist of every Arky subprocess and a few that tools honour. Everything else (API
 * keys, tokens, cloud credentials) stays out unless the caller passes it explicitly.
 */
export const ENV_ALLOWLIST: readonly string[] = [
  ...new Set([...DEFAULT_INHERITED_ENV, "NO_COLOR", "TEMP", "TMP", "SYSTEMROOT", "COMSPEC", "PATHEXT"]),
];

/**
 * The environment for a subprocess: the allowlisted variables of `base` (default
 * `process.env`) plus `additions`, which win. Values that are undefined are dropped.
 */
export function filteredEnv(
  additions: Record<string, string | undefined> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return buildChildEnv({ source: base, inherit: ENV_ALLOWLIST, env: additions });
}
