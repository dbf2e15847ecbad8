import { ArkyError, newId, serializeError, type ToolResultBlock } from "../../protocol/index.js";
import { executeToolCall, type ToolRegistry } from "../../tools/index.js";
import type { ControlContext } from "./control-context.js";

/** The name of the in-process MCP server that carries Arky's tools into the CLI. */
export const ARKY_MCP_SERVER = "arky";
const PREFIX = `mcp__${ARKY_MCP_SERVER}__`;

/** An Arky tool name as an MCP tool name (MCP names cannot hold `/`). */
export function toMcpToolName(name: string): string {
  return name.replaceAll("/", "__");
}

/** Whether a CLI tool name is one of Arky's bridged tools. */
export function isArkyToolName(cliName: string): boolean {
  return cliName.startsWith(PREFIX);
}

/** The name events show for a CLI tool name: Arky tools lose their MCP prefix. */
export function displayToolName(cliName: string, registry: ToolRegistry | undefined): string {
  if (!cliName.startsWith(PREFIX)) return cliName;
  const mcpName = cliName.slice(PREFIX.length);
  return registry?.list().find((t) => toMcpToolName(t.name) === mcpName)?.name ?? mcpName;
}

/** The MCP protocol version the CLI (2.1.x) asks for; manifests are answered with it. */
const MCP_PROTOCOL_VERSION = "2025-11-25";

/** The `arky` server's answer to MCP `initialize` (live handshake and manifest alike). */
export function mcpInitializeResult(protocolVersion = MCP_PROTOCOL_VERSION): Record<string, unknown> {
  return {
    protocolVersion,
    capabilities: { tools: {} },
    serverInfo: { name: ARKY_MCP_SERVER, version: "1.0.0" },
  };
}

/** The `arky` server's answer to MCP `tools/list`: the registry's tools under MCP names. */
export function mcpToolsListResult(registry: ToolRegistry | undefined): {
  tools: Array<Record<string, unknown>>;
} {
  return {
    tools: (registry?.list() ?? []).map((t) => ({
      name: toMcpToolName(t.name),
      description: t.description,
      inputSchema: t.inputSchema,
      ...(t.readOnly ? { annotations: { readOnlyHint: true } } : {}),
    })),
  };
}

type JsonRpcMessage = { id?: string | number | null; method?: string; params?: unknown };

/**
 * Answers the JSON-RPC messages the CLI sends to the `arky` SDK MCP server through
 * `mcp_message`: `initialize`, notifications, `tools/list` and `tools/call` (run in the
 * host with `executeToolCall`, through the turn's guard).
 */
export async function answerMcpMessage(
  message: JsonRpcMessage,
  registry: ToolRegistry | undefined,
  context: ControlContext | undefined,
  signal: AbortSignal,
): Promise<unknown> {
  const id = message.id ?? 0;
  const ok = (result: unknown) => ({ jsonrpc: "2.0", id, result });
  const fail = (code: number, text: string) => ({ jsonrpc: "2.0", id, error: { code, message: text } });
  const params = (message.params ?? {}) as Record<string, unknown>;
  switch (message.method) {
    case "initialize":
      return ok(
        mcpInitializeResult(typeof params.protocolVersion === "string" ? params.protocolVersion : undefined),
      );
    case "ping":
      return ok({});
    case "tools/list":
      return ok(mcpToolsListResult(registry));
    case "tools/call": {
      if (!context || !registry) return fail(-32603, "No Arky turn is running.");
      const mcpName = String(params.name ?? "");
      const tool = registry.list().find((t) => toMcpToolName(t.name) === mcpName);
      const meta = (params._meta ?? {}) as Record<string, unknown>;
      const toolCallId =
        typeof meta["claudecode/toolUseId"] === "string" ? meta["claudecode/toolUseId"] : newId("toolu");
      const result = await callArkyTool(context, registry, {
        toolCallId,
        name: tool?.name ?? mcpName,
        input: params.arguments ?? {},
        signal,
      });
      return ok({ content: result.content.map(toMcpContent), ...(result.isError ? { isError: true } : {}) });
    }
    default:
      if (message.method?.startsWith("notifications/")) return { jsonrpc: "2.0", id: 0, result: {} };
      return fail(-32601, `Method not found: ${message.method}`);
  }
}

async function callArkyTool(
  context: ControlContext,
  registry: ToolRegistry,
  call: { toolCallId: string; name: string; input: unknown; signal: AbortSignal },
): Promise<ToolResultBlock> {
  const { toolCallId, name } = call;
  const decision = await context.decide(toolCallId, `${PREFIX}${toMcpToolName(name)}`, call.input);
  if (decision.decision === "deny") {
    const result: ToolResultBlock = {
      type: "tool-result",
      toolUseId: toolCallId,
      content: [{ type: "text", text: decision.reason }],
      isError: true,
    };
    const denied = new ArkyError({ code: "tool-denied", message: decision.reason });
    await context.emit([context.tracker.end(toolCallId, result, serializeError(denied))]);
    return result;
  }
  const signal = AbortSignal.any([call.signal, context.signal]);
  const outcome = await executeToolCall(
    registry,
    { id: toolCallId, name, input: decision.input },
    {
      signal,
      onStart: (input) => void context.emit([context.tracker.start(toolCallId, input)]),
      onUpdate: (update) =>
        void context.emit([{ type: "tool-execution-update", toolCallId, toolName: name, update }]),
    },
  );
  const guarded = {
    toolCallId,
    toolName: name,
    input: decision.input,
    readOnly: registry.get(name)?.readOnly ?? false,
  };
  const after = await context.guard.afterToolCall(guarded, outcome.result, signal);
  await context.emit([
    ...after.events,
    context.tracker.end(toolCallId, after.result, errorOf(outcome.error)),
  ]);
  return after.result;
}

function errorOf(error: ArkyError | undefined) {
  return error ? serializeError(error) : undefined;
}

function toMcpContent(block: ToolResultBlock["content"][number]): Record<string, unknown> {
  if (block.type === "text") return { type: "text", text: block.text };
  if (block.source.type === "base64")
    return { type: "image", data: block.source.data, mimeType: block.source.mediaType };
  return { type: "text", text: `[image: ${block.source.url}]` };
}
