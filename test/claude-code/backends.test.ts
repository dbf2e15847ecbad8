import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import { buildClaudeArgs, buildClaudeEnv } from "../../src/providers/claude-code/claude-code-args.js";
import { type BackendPreset, claudeCode, claudeCodeBackends } from "../../src/providers/claude-code/index.js";
import { textReply } from "../../src/testing/index.js";
import { CLAUDE, startServer, tempDir } from "./harness.js";

const FAKE = fileURLToPath(new URL("./fixtures/fake-claude.mjs", import.meta.url));
const QUIET = {
  DISABLE_TELEMETRY: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  HOME: tempDir("home"),
};

/** Starts the fake CLI with a backend and returns the environment and arguments it was started with. */
async function startedWith(backend: BackendPreset, extraEnv: Record<string, string> = {}) {
  const dump = join(tempDir("dump"), "env.json");
  process.env.ARKY_HOST_SECRET = "sk-host-secret";
  const runtime = claudeCode({
    executable: FAKE,
    cwd: tempDir("cwd"),
    backend,
    env: { FAKE_CLAUDE_MODE: "env", FAKE_CLAUDE_DUMP: dump, ...extraEnv },
  });
  try {
    await runtime.prewarm(1);
  } finally {
    await runtime.close();
    delete process.env.ARKY_HOST_SECRET;
  }
  return JSON.parse(readFileSync(dump, "utf8")) as { env: Record<string, string>; argv: string[] };
}

describe("Claude Code backend presets: the environment the CLI starts with", () => {
  it("bedrock", async () => {
    const { env } = await startedWith(
      claudeCodeBackends.bedrock({
        region: "eu-west-1",
        apiKey: "bedrock-key",
        model: "eu.anthropic.claude-sonnet-4-5",
      }),
    );
    expect(env).toMatchObject({
      CLAUDE_CODE_USE_BEDROCK: "1",
      AWS_REGION: "eu-west-1",
      AWS_BEARER_TOKEN_BEDROCK: "bedrock-key",
      ANTHROPIC_MODEL: "eu.anthropic.claude-sonnet-4-5",
    });
    expect(env.ARKY_HOST_SECRET).toBeUndefined();
    expect(env.NODE_OPTIONS).toBeUndefined();
  });

  it("vertex", async () => {
    const { env } = await startedWith(
      claudeCodeBackends.vertex({
        projectId: "my-project",
        region: "us-east5",
        model: "claude-sonnet-4-5@20250929",
      }),
    );
    expect(env).toMatchObject({
      CLAUDE_CODE_USE_VERTEX: "1",
      ANTHROPIC_VERTEX_PROJECT_ID: "my-project",
      CLOUD_ML_REGION: "us-east5",
      ANTHROPIC_MODEL: "claude-sonnet-4-5@20250929",
    });
    expect(env.CLAUDE_CODE_USE_BEDROCK).toBeUndefined();
  });

  it("gateway presets set base URL, bearer token and model names", async () => {
    const { env, argv } = await startedWith(claudeCodeBackends.zai({ apiKey: "zai-key" }));
    expect(env).toMatchObject({
      ANTHROPIC_BASE_URL: "https://api.z.ai/api/anthropic",
      ANTHROPIC_AUTH_TOKEN: "zai-key",
      ANTHROPIC_API_KEY: "",
      ANTHROPIC_MODEL: "glm-4.6",
      ANTHROPIC_SMALL_FAST_MODEL: "glm-4.5-air",
    });
    expect(argv).toEqual(
      expect.arrayContaining(["--output-format", "stream-json", "--input-format", "--verbose"]),
    );
  });

  it("has a default base URL for every gateway", () => {
    const urls = {
      openrouter: claudeCodeBackends.openrouter({ apiKey: "k" }),
      vercel: claudeCodeBackends.vercelAiGateway({ apiKey: "k" }),
      ollama: claudeCodeBackends.ollama({ model: "qwen3-coder" }),
      moonshot: claudeCodeBackends.moonshot({ apiKey: "k" }),
      minimax: claudeCodeBackends.minimax({ apiKey: "k" }),
    };
    expect(Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, v.env.ANTHROPIC_BASE_URL]))).toEqual({
      openrouter: "https://openrouter.ai/api",
      vercel: "https://ai-gateway.vercel.sh",
      ollama: "http://localhost:11434",
      moonshot: "https://api.moonshot.ai/anthropic",
      minimax: "https://api.minimax.io/anthropic",
    });
    expect(urls.ollama.env.ANTHROPIC_MODEL).toBe("qwen3-coder");
  });
});

describe("Claude Code base-URL presets end to end (real claude CLI)", () => {
  let harness: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    harness = await startServer();
    harness.answer(() => textReply("via gateway"));
  });
  afterAll(async () => {
    await harness?.server.close();
  });

  const presets: Array<[string, (baseUrl: string) => BackendPreset, string]> = [
    [
      "openrouter",
      (baseUrl) =>
        claudeCodeBackends.openrouter({ apiKey: "or-key", baseUrl, model: "anthropic/claude-sonnet-4.5" }),
      "anthropic/claude-sonnet-4.5",
    ],
    [
      "vercel AI gateway",
      (baseUrl) =>
        claudeCodeBackends.vercelAiGateway({
          apiKey: "vc-key",
          baseUrl,
          model: "anthropic/claude-sonnet-4.5",
        }),
      "anthropic/claude-sonnet-4.5",
    ],
    ["ollama", (baseUrl) => claudeCodeBackends.ollama({ baseUrl, model: "qwen3-coder" }), "qwen3-coder"],
    ["z.ai", (baseUrl) => claudeCodeBackends.zai({ apiKey: "zai-key", baseUrl }), "glm-4.6"],
    [
      "moonshot",
      (baseUrl) => claudeCodeBackends.moonshot({ apiKey: "ms-key", baseUrl }),
      "kimi-k2-turbo-preview",
    ],
    ["minimax", (baseUrl) => claudeCodeBackends.minimax({ apiKey: "mm-key", baseUrl }), "MiniMax-M2"],
  ];
  for (const [name, preset, model] of presets) {
    it(`${name}: the CLI calls the gateway with its token and model`, async () => {
      const backend = preset(harness.server.baseUrl);
      const runtime = claudeCode({
        executable: CLAUDE,
        cwd: tempDir("cwd"),
        configDir: tempDir("cfg"),
        maxRetries: 0,
        backend,
        env: QUIET,
      });
      const agent = new Agent({ runtime });
      try {
        const before = harness.modelCalls().length;
        expect((await agent.prompt("hello gateway")).text).toBe("via gateway");
        const request = harness.modelCalls().at(-1)!;
        expect(harness.modelCalls().length).toBeGreaterThan(before);
        expect(request.headers.authorization).toBe(`Bearer ${backend.env.ANTHROPIC_AUTH_TOKEN}`);
        expect(request.headers["x-api-key"]).toBeUndefined();
        expect((request.body as { model: string }).model).toBe(model);
      } finally {
        await agent.close();
        await runtime.close();
      }
    });
  }
});

describe("Claude Code command line and environment", () => {
  it("maps every option to its flag", () => {
    const args = buildClaudeArgs(
      {
        model: "opus",
        fallbackModel: "sonnet",
        maxTurns: 5,
        maxBudgetUsd: 1.5,
        systemPrompt: { append: "Be brief." },
        allowedTools: ["Read", "Bash(git:*)"],
        disallowedTools: ["WebFetch"],
        additionalDirectories: ["/data"],
        settingSources: ["project"],
        plugins: ["/plugins/a"],
        mcpServers: { files: { command: "mcp-files", args: ["/data"] } },
        permissionMode: "plan",
      },
      { resume: { claudeSessionId: "abc", fork: true } },
    );
    expect(args.join(" ")).toBe(
      [
        "--output-format stream-json --verbose --input-format stream-json --include-partial-messages --permission-prompt-tool stdio",
        "--model opus --fallback-model sonnet --max-turns 5 --max-budget-usd 1.5 --append-system-prompt Be brief.",
        "--allowedTools Read,Bash(git:*) --disallowedTools WebFetch --add-dir /data --setting-sources project --plugin-dir /plugins/a",
        `--mcp-config {"mcpServers":{"files":{"command":"mcp-files","args":["/data"]}}} --permission-mode plan`,
        "--resume abc --fork-session",
      ].join(" "),
    );
    expect(buildClaudeArgs({ systemPrompt: "Only this." })).toContain("--system-prompt");
    expect(buildClaudeArgs({ permissionMode: "bypassPermissions" })).toContain(
      "--allow-dangerously-skip-permissions",
    );
  });

  it("builds the environment from config dir, retries, thinking, backend and env, in that order", () => {
    expect(
      buildClaudeEnv({
        configDir: "/srv/claude",
        maxRetries: 2,
        maxThinkingTokens: 1024,
        backend: claudeCodeBackends.openrouter({ apiKey: "k" }),
        env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:1" },
      }),
    ).toMatchObject({
      CLAUDE_CONFIG_DIR: "/srv/claude",
      CLAUDE_CODE_TMPDIR: "/srv/claude/tmp",
      CLAUDE_CODE_MAX_RETRIES: "2",
      MAX_THINKING_TOKENS: "1024",
      ANTHROPIC_AUTH_TOKEN: "k",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:1",
    });
  });
});
