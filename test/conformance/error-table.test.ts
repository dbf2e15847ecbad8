import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/protocol/index.js";
import { ERROR_CASES, type ErrorOutcome } from "./error-cases.js";
import type { Rig } from "./rigs.js";
import { RUNTIMES, useThreeRigs } from "./three-runtimes.js";

// docs/errors.md as a test: each situation is provoked on the native loop, the real Claude
// Code CLI and the real Codex app server, and gives the same code, retryability, stop reason
// and fatal `error` events wherever it can happen. No retries, so an API error is final at once.
// Runtimes run one after another (two cores), one runtime of each for the whole file.

const rigs = useThreeRigs({ native: { retry: { maxAttempts: 1 } }, claudeCode: { maxRetries: 0 } });

// Titled by string (a `$name` title would be cut at 40 characters).
const TABLE = ERROR_CASES.map((testCase) => [`${testCase.name} → ${testCase.code}`, testCase] as const);

describe.each(TABLE)("%s", (_title, testCase) => {
  const runtimes = testCase.on ?? RUNTIMES;
  const outcomes = new Map<Rig["name"], ErrorOutcome>();

  it.each(runtimes)("on %s", async (name) => {
    const outcome = await testCase.provoke(rigs[name]);
    outcomes.set(name, outcome);
    expect(outcome).toMatchObject({
      code: testCase.code,
      retryable: ERROR_CODES[testCase.code].retryable,
      stop: testCase.stop,
    });
    // A failed turn has one fatal error with its code; a cancelled one, or a call refused at once, none.
    const failed = testCase.stop !== "thrown" && testCase.code !== "cancelled";
    expect(outcome.fatal).toEqual(failed ? [testCase.code] : []);
    if (testCase.correction) {
      const [says, never] = testCase.correction[name];
      expect(outcome.correction).toMatch(says);
      if (never) expect(outcome.correction).not.toMatch(never);
    }
  });

  it("is the same on every runtime it can happen on", () => {
    expect([...outcomes.keys()].sort()).toEqual([...runtimes].sort());
    const [first, ...rest] = [...outcomes.values()].map(({ correction: _, ...same }) => same);
    for (const outcome of rest) expect(outcome).toEqual(first);
  });
});
