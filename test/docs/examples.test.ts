import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("README and examples", () => {
  it("shows the type-checked quickstart exactly as it is in examples/quickstart.ts", () => {
    const readme = read("README.md");
    const block = readme.match(/<!-- quickstart -->\s*```ts\n([\s\S]*?)```/)?.[1];
    expect(block, "README.md needs a ```ts block after <!-- quickstart -->").toBeDefined();
    expect(block).toBe(read("examples/quickstart.ts"));
  });

  it("gives the two set-up commands and the test command CI runs", () => {
    const readme = read("README.md");
    expect(readme).toContain("npm install");
    expect(readme).toContain("npx arky demo");
    expect(readme).toContain("npm test");
    expect(read(".ci/run")).toMatch(/\bnpm test\b/);
  });

  const built = existsSync(join(root, "dist/index.js"));
  it.skipIf(!built)(
    "runs the offline example against the scripted model (skipped until npm run build)",
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(root, "examples/offline.ts")], {
        cwd: root,
      });
      expect(stdout).toMatch(/sunny and 21 °C in Lisbon/);
      expect(stdout).toMatch(/^\d+ in, \d+ out, \$\d+\.\d+$/m);
    },
  );
});
