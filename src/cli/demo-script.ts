import type { ScriptStep } from "../testing/index.js";

/** The files the demo starts from: a greeting with a bug, and a check that catches it. */
export const DEMO_FILES: Record<string, string> = {
  "greet.mjs": 'export function greet(name) {\n  return "Hello " + name;\n}\n',
  "check.mjs": [
    'import { greet } from "./greet.mjs";',
    'const got = greet("Ada");',
    'if (got !== "Hello, Ada!") {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is the demo file's own template literal.
    '  console.error(`check failed: expected "Hello, Ada!", got "${got}"`);',
    "  process.exit(1);",
    "}",
    'console.log("check passed:", got);',
    "",
  ].join("\n"),
};

/** The prompt the demo sends. */
export const DEMO_PROMPT = "The greeting check fails. Find out why and fix greet.mjs.";

const usage = (inputTokens: number, outputTokens: number, cacheReadInputTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadInputTokens,
});

/**
 * What the scripted model answers, call by call. The tools really run on a temporary
 * folder; only the model is scripted.
 */
export function demoScript(chunkDelayMs = 12): ScriptStep[] {
  return [
    {
      content: [
        {
          type: "thinking",
          thinking: "I should see the files and run the check before changing anything.",
          chunks: 6,
        },
        { type: "text", text: "Let me look at the project and run the check first.", chunks: 10 },
        { type: "tool-use", name: "glob", input: { pattern: "*" } },
      ],
      usage: usage(1_480, 96),
      chunkDelayMs,
    },
    {
      content: [
        { type: "tool-use", name: "read", input: { path: "greet.mjs" } },
        { type: "tool-use", name: "bash", input: { command: "node check.mjs" } },
      ],
      usage: usage(1_702, 88, 1_400),
      chunkDelayMs,
    },
    {
      content: [
        {
          type: "text",
          text: "The check expects `Hello, Ada!` but `greet` leaves out the comma and the exclamation mark. Fixing it.",
          chunks: 18,
        },
        {
          type: "tool-use",
          name: "edit",
          input: {
            path: "greet.mjs",
            oldString: 'return "Hello " + name;',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: the edit writes a template literal into greet.mjs.
            newString: "return `Hello, ${name}!`;",
          },
        },
      ],
      usage: usage(2_010, 141, 1_650),
      chunkDelayMs,
    },
    {
      content: [{ type: "tool-use", name: "bash", input: { command: "node check.mjs" } }],
      usage: usage(2_190, 62, 1_980),
      chunkDelayMs,
    },
    {
      content: [
        {
          type: "text",
          text: "Fixed: `greet` now returns `Hello, Ada!` and the check passes.",
          chunks: 12,
        },
      ],
      usage: usage(2_305, 38, 2_150),
      chunkDelayMs,
    },
  ];
}
