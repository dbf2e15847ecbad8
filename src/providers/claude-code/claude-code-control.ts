import { ArkyError } from "../../protocol/index.js";
import { ARKY_MCP_SERVER, type ArkyMcpEndpoint } from "./arky-mcp-bridge.js";
import {
  type ControlRequestLine,
  canUseToolRequestSchema,
  hookCallbackRequestSchema,
  mcpMessageRequestSchema,
} from "./claude-code-messages.js";
import type { ClaudeCodeTurn } from "./claude-code-turn.js";
import { PRE_TOOL_USE_HOOK } from "./process-needs.js";

/**
 * Answers a control request of the CLI. `context` is the running turn (undefined between
 * turns and in the warm pool: then tool calls are refused); `mcp` is the process's `arky`
 * MCP server.
 * Throws for requests it cannot answer; the process turns that into an error response.
 */
export async function handleControlRequest(
  request: ControlRequestLine["request"],
  signal: AbortSignal,
  context: ClaudeCodeTurn | undefined,
  mcp: ArkyMcpEndpoint,
): Promise<unknown> {
  switch (request.subtype) {
    case "can_use_tool": {
      const parsed = canUseToolRequestSchema.parse(request);
      if (!context) return { behavior: "deny", message: "No Arky turn is running." };
      const id = parsed.tool_use_id ?? `${parsed.tool_name}:${JSON.stringify(parsed.input)}`;
      const parent = context.tracker.parentOfAgent(parsed.agent_id);
      const decision = await context.decide(id, parsed.tool_name, parsed.input, parent);
      return decision.decision === "allow"
        ? { behavior: "allow", updatedInput: decision.input }
        : { behavior: "deny", message: decision.reason };
    }
    case "hook_callback": {
      const parsed = hookCallbackRequestSchema.parse(request);
      const input = parsed.input;
      if (parsed.callback_id !== PRE_TOOL_USE_HOOK || input.hook_event_name !== "PreToolUse" || !context)
        return { continue: true };
      const id = parsed.tool_use_id ?? input.tool_use_id;
      if (!id || !input.tool_name) return { continue: true };
      const parent = context.tracker.parentOfAgent(input.agent_id);
      const decision = await context.decide(id, input.tool_name, input.tool_input, parent);
      if (decision.decision === "deny")
        return {
          decision: "block",
          reason: decision.reason,
          hookSpecificOutput: {
            hookEventName: "PreToolUse",
            permissionDecision: "deny",
            permissionDecisionReason: decision.reason,
          },
        };
      return {
        hookSpecificOutput: {
          hookEventName: "PreToolUse",
          permissionDecision: "allow",
          permissionDecisionReason: "Allowed by the Arky guard.",
          updatedInput: decision.input,
        },
      };
    }
    case "mcp_message": {
      const parsed = mcpMessageRequestSchema.parse(request);
      if (parsed.server_name !== ARKY_MCP_SERVER)
        throw new ArkyError({ code: "not-found", message: `Unknown SDK MCP server ${parsed.server_name}.` });
      return { mcp_response: await mcp.answer(parsed.message, signal) };
    }
    default:
      throw new ArkyError({
        code: "capability-unsupported",
        message: `Unsupported control request subtype: ${request.subtype}`,
      });
  }
}
