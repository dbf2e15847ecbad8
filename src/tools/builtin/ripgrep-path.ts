import { access, constants } from "node:fs/promises";

let cached: Promise<string | null> | undefined;

/** The ripgrep binary of the optional `@vscode/ripgrep` package, or null when it is not installed. */
export function findRipgrep(): Promise<string | null> {
  cached ??= (async () => {
    try {
      const specifier = "@vscode/ripgrep";
      const { rgPath } = (await import(specifier)) as { rgPath: string };
      await access(rgPath, constants.X_OK);
      return rgPath;
    } catch {
      // Not installed (or no binary for this platform): grep uses its JavaScript search.
      return null;
    }
  })();
  return cached;
}
