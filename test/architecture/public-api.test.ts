import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { heavyImportsReachedFrom } from "./entry-graph.js";
import { ROOT, SRC } from "./imports.js";

/**
 * The runtime names each entry point exports, sorted. A new export is a decision: change
 * this list and docs/api.md together (types cannot be listed at run time; docs/api.md
 * names them).
 */
const PINNED: Record<string, readonly string[]> = {
  ".": [
    "Agent",
    "ArkyError",
    "CLAUDE_PRICES",
    "DEFAULT_RETRY_POLICY",
    "ERROR_CODES",
    "EVENT_SCHEMA_VERSION",
    "HookChain",
    "InMemorySessionStore",
    "PERMISSION_MODES",
    "ToolRegistry",
    "allowAllGuard",
    "createToolCallGuard",
    "exportSessionJsonl",
    "exportSessionMarkdown",
    "isErrorCode",
    "isPermissionMode",
    "native",
    "textOf",
    "tool",
  ],
  "./kit": [
    "ConversationBuilder",
    "EventQueue",
    "WorkChain",
    "addUsage",
    "appendColumnValues",
    "applyMetadataPatch",
    "assertAppendable",
    "cancelledError",
    "carriesMetadata",
    "classifyHttpError",
    "computeCost",
    "deserializeError",
    "emptyUsage",
    "failedTurnEnd",
    "findModelPrice",
    "foldEvents",
    "forkPoint",
    "isAbortError",
    "isCheckpointEvent",
    "isDeltaEvent",
    "metadataFromColumns",
    "newId",
    "newMetadata",
    "newSessionId",
    "parseRetryAfter",
    "rebuildMessages",
    "resolveRetryPolicy",
    "retryDelay",
    "serializeError",
    "sessionNotFound",
    "stopReason",
    "toArkyError",
    "toUserMessage",
  ],
  "./anthropic": ["AnthropicProvider", "anthropic"],
  "./claude-code": ["ClaudeCodeRuntime", "DEFAULT_CLAUDE_INHERITED_ENV", "claudeCode", "claudeCodeBackends"],
  "./codex": ["CODEX_REASONING_EFFORTS", "CODEX_TOOL_NAMES", "CodexRuntime", "codex"],
  "./sqlite": ["SQLITE_MIGRATIONS", "SqliteSessionStore", "defaultSqlitePath"],
  "./postgres": ["POSTGRES_MIGRATIONS", "PostgresSessionStore"],
  "./mcp": [
    "McpClient",
    "connectMcpServers",
    "createMcpServer",
    "isStdioServer",
    "loadMcpConfig",
    "mcpToolsAsArkyTools",
    "parseMcpConfig",
    "serveMcp",
  ],
  "./tools": [
    "AllowedRoots",
    "DEFAULT_LIMITS",
    "ENV_ALLOWLIST",
    "TodoList",
    "ToolRegistry",
    "bashTool",
    "codingTools",
    "editTool",
    "globTool",
    "grepTool",
    "readTool",
    "todoReadTool",
    "todoWriteTool",
    "tool",
    "webFetchTool",
    "writeTool",
  ],
  "./settings": [
    "COMMAND_HOOK_EVENTS",
    "commandHooksFromSettings",
    "createCommandHook",
    "defaultSettingsFiles",
    "guardOptionsFromSettings",
    "loadSettings",
  ],
  "./testing": [
    "SseWriter",
    "rawSseFrame",
    "scriptedProvider",
    "sendJson",
    "sseFrame",
    "startScriptedModelServer",
    "textReply",
    "toolCallReply",
    "untilAborted",
  ],
};

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: Record<string, string | { default: string }>;
};

/** The package's entry points with the source file each is built from (`./dist/x.js` ← `src/x.ts`). */
const entries = Object.entries(pkg.exports)
  .filter(([subpath]) => subpath !== "./package.json")
  .map(([subpath, target]) => {
    const built = typeof target === "string" ? target : target.default;
    return { subpath, source: join(ROOT, built.replace(/^\.\/dist\/(.+)\.js$/, "src/$1.ts")) };
  });

/** `arky` for `.`, `arky/kit` for `./kit`: how users import an entry (and how docs/api.md titles it). */
const specifier = (subpath: string) => (subpath === "." ? "arky" : `arky/${subpath.slice(2)}`);

describe("the public API (docs/api.md)", () => {
  it("pins every entry point of package.json, and only those", () => {
    expect(entries.map((e) => e.subpath).sort()).toEqual(Object.keys(PINNED).sort());
  });

  it.each(entries)("$subpath exports exactly its pinned runtime names", async ({ subpath, source }) => {
    const names = Object.keys(await import(source)).sort();
    expect(names, `a change to ${specifier(subpath)} is a decision: update PINNED and docs/api.md`).toEqual(
      [...(PINNED[subpath] ?? [])].sort(),
    );
  });

  it("names every pinned export in the section of its entry in docs/api.md", () => {
    const sections = new Map<string, string>();
    for (const part of readFileSync(join(ROOT, "docs", "api.md"), "utf8")
      .split(/^## /m)
      .slice(1)) {
      const title = /^`([^`]+)`/.exec(part)?.[1];
      if (title) sections.set(title, part);
    }
    const missing = Object.entries(PINNED).flatMap(([subpath, names]) => {
      const section = sections.get(specifier(subpath));
      if (section === undefined) return [`no section "## \`${specifier(subpath)}\`"`];
      return names
        .filter((name) => !section.includes(`\`${name}\``))
        .map((n) => `${specifier(subpath)}: ${n}`);
    });
    expect(missing).toEqual([]);
  });

  it("keeps arky/kit as light as the root entry", () => {
    expect(heavyImportsReachedFrom(join(SRC, "kit.ts"))).toEqual([]);
  });
});
