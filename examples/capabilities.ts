// The README's capability snippets, type-checked by `npm test` so the README stays true.
// Not meant to be run as a whole: it needs an API key, the CLIs and a project folder.
import { Agent, ArkyError, native } from "arky";
import { anthropic } from "arky/anthropic";
import { claudeCode } from "arky/claude-code";
import { codex } from "arky/codex";
import { connectMcpServers, loadMcpConfig, serveMcp } from "arky/mcp";
import { SqliteSessionStore } from "arky/sqlite";
import { codingTools } from "arky/tools";

const tools = await codingTools({ cwd: "/srv/project" });

// Runtimes: swap one line.
const runtime = native(anthropic({ model: "claude-sonnet-5-5" }));
new Agent({ runtime, tools });
new Agent({ runtime: claudeCode({ model: "claude-sonnet-5-5", configDir: "/var/lib/app/claude" }), tools });
new Agent({ runtime: codex({ model: "gpt-5.5", sandboxMode: "workspace-write" }), tools });

// Built-in tools and MCP both ways.
const mcp = await connectMcpServers(await loadMcpConfig(".mcp.json"));
const withMcp = new Agent({ runtime, tools: [...tools, ...mcp.tools] });
await serveMcp({ registry: withMcp.tools, transport: { http: { port: 0 } } });

// Sessions.
const store = new SqliteSessionStore({ path: "./sessions.db" });
const agent = new Agent({ runtime, store });
await agent.prompt("Plan the migration.");
const later = await Agent.resume(agent.sessionId, { runtime, store });
await Agent.fork(agent.sessionId, { runtime, store, atSeq: 12 });
for await (const event of later.replay({ excludeDeltas: true })) console.log(event.seq, event.type);

// Hooks and permissions.
new Agent({
  runtime,
  tools,
  permissions: {
    mode: "default",
    allow: ["Bash(npm run *)", "Read(src/**)"],
    deny: ["Bash(rm:*)", "Edit(.env)"],
    canUseTool: async (_tool, input) => ({ behavior: "allow", updatedInput: input }),
  },
  hooks: [{ matcher: "Bash", beforeToolCall: () => undefined, failureMode: "fail-closed" }],
});

// Errors and cancellation.
try {
  await agent.prompt("…", { signal: AbortSignal.timeout(60_000) });
} catch (error) {
  if (ArkyError.isArkyError(error) && error.retryable)
    console.log(`retry in ${error.retryAfterMs ?? 1000} ms`);
}
