import { mcpToolList } from "../../mcp/tool-names.js";
import type { ToolRegistry } from "../../tools/index.js";
import { ARKY_MCP_SERVER, MCP_INITIALIZE_RESULT } from "./arky-mcp-bridge.js";
import type { ClaudeCodeAgentDefinition } from "./claude-code-options.js";

/** The callback id of Arky's PreToolUse hook: every tool call passes through the guard there. */
export const PRE_TOOL_USE_HOOK = "arky_pre_tool_use";

/**
 * What a CLI process must be told at start (through `initialize`) for a session's turns:
 * whether Arky's PreToolUse hook is registered, which Arky tools the `arky` SDK MCP server
 * lists, and the sub-agent definitions. A process keeps what it was started with, so a
 * turn whose needs differ gets a new process.
 */
export interface ProcessNeeds {
  /** The PreToolUse hook (only for a guard that can deny or rewrite a call). */
  readonly hook: boolean;
  /** The `tools/list` result of the `arky` server (empty: no SDK MCP server at all). */
  readonly toolsList: { tools: ReturnType<typeof mcpToolList> };
  readonly agents: Record<string, ClaudeCodeAgentDefinition> | undefined;
  /** Identity of the tool list and agents (the hook is compared on its own). */
  readonly key: string;
}

/** The needs of turns with these tools (and hook), on a runtime with these sub-agents. */
export function processNeeds(options: {
  tools?: ToolRegistry;
  hook: boolean;
  agents?: Record<string, ClaudeCodeAgentDefinition>;
}): ProcessNeeds {
  const toolsList = { tools: mcpToolList(options.tools?.list() ?? []) };
  const agents = options.agents && Object.keys(options.agents).length > 0 ? options.agents : undefined;
  return {
    hook: options.hook,
    toolsList,
    agents,
    key: JSON.stringify([toolsList.tools, agents ?? null]),
  };
}

/**
 * Whether a process started with `have` serves a turn that `want`s: the same tools and
 * agents; a hook it has but does not need is harmless (the guard allows everything).
 */
export function satisfies(have: ProcessNeeds, want: ProcessNeeds): boolean {
  return have.key === want.key && (have.hook || !want.hook);
}

/** Whether two processes were started with exactly the same needs. */
export function sameNeeds(a: ProcessNeeds, b: ProcessNeeds): boolean {
  return a.key === b.key && a.hook === b.hook;
}

/**
 * The `initialize` control request for these needs, or undefined when the CLI needs none
 * (`force`: a bare one anyway, e.g. as the readiness signal of a pooled process). Arky's
 * tools come with their manifests, so the CLI needs no MCP handshake round trips.
 */
export function initializeRequest(
  needs: ProcessNeeds,
  force = false,
): { subtype: string; [key: string]: unknown } | undefined {
  const tools = needs.toolsList.tools.length > 0;
  if (!needs.hook && !tools && !needs.agents && !force) return undefined;
  return {
    subtype: "initialize",
    ...(needs.hook ? { hooks: { PreToolUse: [{ hookCallbackIds: [PRE_TOOL_USE_HOOK] }] } } : {}),
    ...(tools
      ? {
          sdkMcpServers: [ARKY_MCP_SERVER],
          sdkMcpServerManifests: {
            [ARKY_MCP_SERVER]: { initializeResult: MCP_INITIALIZE_RESULT, toolsListResult: needs.toolsList },
          },
        }
      : {}),
    ...(needs.agents ? { agents: needs.agents } : {}),
  };
}

/** Notes (for `onDebug`) what an `initialize` response says about manifests that were not used. */
export function unparkedManifests(needs: ProcessNeeds, response: unknown): string | undefined {
  if (needs.toolsList.tools.length === 0) return undefined;
  const parked = (response as { sdk_mcp_manifests_parked?: Record<string, unknown> } | undefined)
    ?.sdk_mcp_manifests_parked?.[ARKY_MCP_SERVER];
  return parked === "parked"
    ? undefined
    : `claude did not take the arky MCP manifest (${JSON.stringify(parked ?? null)}); it handshakes over mcp_message instead.`;
}
