/** The oldest Node Arky runs on: `node:sqlite` without a flag arrived in 22.13. */
export const MIN_NODE = [22, 13] as const;

/**
 * The one line to print when `version` (as in `process.versions.node`) is older than
 * {@link MIN_NODE}, else undefined. Imports nothing, so the bin can call it before loading
 * anything that needs a newer Node.
 */
export function nodeTooOld(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  const [needMajor, needMinor] = MIN_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `arky: Arky needs Node ≥ ${needMajor}.${needMinor} (this is Node ${version}); install a current one with \`nvm install 22\` or from https://nodejs.org.`;
}
