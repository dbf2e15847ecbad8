import { existsSync, statSync } from "node:fs";
import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The fast tier (`npm run test:unit`, well under 30 s on two cores): everything that runs in
 * process or against the scripted model server on 127.0.0.1 — no Claude Code or Codex CLI, no
 * database server, no MCP reference servers, no test that spawns processes to tear them down.
 * A folder means every test in it. `npm test` runs the whole suite (`vitest.config.ts`), this
 * tier included, once.
 */
const FAST = [
  "test/protocol",
  "test/tools",
  "test/builtin-tools/escape.test.ts",
  "test/builtin-tools/file-tools.test.ts",
  "test/builtin-tools/grep.test.ts",
  "test/builtin-tools/web-fetch.test.ts",
  "test/permissions",
  "test/provider",
  "test/process/framing.test.ts",
  "test/hooks/hook-chain.test.ts",
  "test/core",
  "test/anthropic/anthropic-errors.test.ts",
  "test/anthropic/anthropic-request.test.ts",
  "test/anthropic/anthropic-stream.test.ts",
  "test/anthropic/anthropic-tls.test.ts",
  "test/anthropic/sse-parser.test.ts",
  "test/anthropic/stream-state.test.ts",
  "test/testing/scripted-server.test.ts",
  "test/testing/split.test.ts",
  "test/session",
  "test/durability/session-writer.test.ts",
  "test/stores/event-schema.test.ts",
  "test/architecture",
  "test/docs",
];

/** In a folder above but slow: builds and imports a copy of the package with tsc (~10 s). */
const SLOW = ["test/architecture/entry-points.test.ts"];

// A renamed or deleted entry must not drop its tests from the tier without anyone noticing.
const missing = [...FAST, ...SLOW].filter((entry) => !existsSync(entry));
if (missing.length > 0) throw new Error(`vitest.unit.config.ts lists missing tests: ${missing.join(", ")}`);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: FAST.map((entry) => (statSync(entry).isDirectory() ? `${entry}/**/*.test.ts` : entry)),
    exclude: [...configDefaults.exclude, ...SLOW],
    // The CI report (test-results.json) is the full suite's; the fast tier never writes it.
    reporters: ["default"],
  },
});
