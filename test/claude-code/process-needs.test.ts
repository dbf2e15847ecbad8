import { describe, expect, it } from "vitest";
import { z } from "zod";
import { allowAllGuard, createToolCallGuard } from "../../src/permissions/index.js";
import { createTurnTools } from "../../src/provider/index.js";
import {
  initializeRequest,
  processNeeds,
  satisfies,
  unparkedManifests,
} from "../../src/providers/claude-code/process-needs.js";
import { ToolRegistry, tool } from "../../src/tools/index.js";

// Pure logic: what a CLI process is started with. The real CLI runs in needs.test.ts.

const add = tool({
  name: "math/add",
  description: "Add two numbers",
  input: z.object({ a: z.number(), b: z.number() }),
  readOnly: true,
  execute: ({ a, b }) => String(a + b),
});
const addStrict = tool({
  name: "math/add",
  description: "Add two numbers",
  input: z.object({ a: z.number().int(), b: z.number().int() }),
  execute: ({ a, b }) => String(a + b),
});

describe("process needs", () => {
  it("needs no initialize without tools, guard or sub-agents (a bare one only when forced)", () => {
    const needs = processNeeds({
      tools: new ToolRegistry(),
      hook: createTurnTools(new ToolRegistry(), allowAllGuard).guarded,
    });
    expect(needs.hook).toBe(false);
    expect(initializeRequest(needs)).toBeUndefined();
    expect(initializeRequest(needs, true)).toEqual({ subtype: "initialize" });
  });

  it("registers the hook only for a guard that can change something", () => {
    const guard = createToolCallGuard({ permissions: { canUseTool: () => ({ behavior: "allow" }) } });
    expect(createTurnTools(new ToolRegistry(), guard).guarded).toBe(true);
    const request = initializeRequest(processNeeds({ hook: true }));
    expect(request?.hooks).toEqual({ PreToolUse: [{ hookCallbackIds: ["arky_pre_tool_use"] }] });
    expect(request?.sdkMcpServers).toBeUndefined();
  });

  it("gives Arky's tools with manifests (MCP names, schemas, read-only hint)", () => {
    const request = initializeRequest(processNeeds({ tools: new ToolRegistry([add]), hook: false }));
    expect(request?.hooks).toBeUndefined();
    expect(request?.sdkMcpServers).toEqual(["arky"]);
    const manifest = (request!.sdkMcpServerManifests as Record<string, Record<string, unknown>>).arky!;
    expect(manifest.initializeResult).toMatchObject({
      capabilities: { tools: {} },
      serverInfo: { name: "arky" },
    });
    expect(manifest.toolsListResult).toEqual({
      tools: [
        {
          name: "math__add",
          description: "Add two numbers",
          inputSchema: add.inputSchema,
          annotations: { readOnlyHint: true },
        },
      ],
    });
  });

  it("sends sub-agents, and counts them in the process's identity", () => {
    const agents = { reviewer: { description: "Reviews", prompt: "Review the code." } };
    const withAgents = processNeeds({ hook: false, agents });
    expect(initializeRequest(withAgents)?.agents).toEqual(agents);
    expect(satisfies(processNeeds({ hook: false }), withAgents)).toBe(false);
  });

  it("a process serves a turn with the same tools; a hook it has but the turn lacks is harmless", () => {
    const tools = new ToolRegistry([add]);
    const plain = processNeeds({ tools, hook: false });
    const hooked = processNeeds({ tools, hook: true });
    expect(satisfies(plain, processNeeds({ tools: new ToolRegistry([add]), hook: false }))).toBe(true);
    expect(satisfies(hooked, plain)).toBe(true);
    expect(satisfies(plain, hooked)).toBe(false);
    expect(satisfies(plain, processNeeds({ hook: false }))).toBe(false);
    // Same name, another schema: the CLI would validate against the old one.
    expect(satisfies(plain, processNeeds({ tools: new ToolRegistry([addStrict]), hook: false }))).toBe(false);
  });

  it("notes manifests the CLI did not take", () => {
    const needs = processNeeds({ tools: new ToolRegistry([add]), hook: false });
    expect(unparkedManifests(needs, { sdk_mcp_manifests_parked: { arky: "parked" } })).toBeUndefined();
    expect(unparkedManifests(needs, { sdk_mcp_manifests_parked: { arky: "declined" } })).toContain(
      "declined",
    );
    expect(unparkedManifests(needs, {})).toContain("did not take");
    expect(unparkedManifests(processNeeds({ hook: false }), {})).toBeUndefined();
  });
});
