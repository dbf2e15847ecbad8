import { ArkyError, cancelledError, type ToolResultBlock } from "../protocol/index.js";
import type { ToolRegistry } from "./registry.js";
import type { ToolOutput, ToolResult } from "./types.js";

/** A tool call requested by a model. */
export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

/** What {@link executeToolCall} produces: the result the model will see, and the failure if any. */
export interface ToolCallOutcome {
  result: ToolResultBlock;
  /** Set when the call failed (unknown tool, invalid input, thrown, timed out, cancelled). */
  error?: ArkyError;
  durationMs: number;
}

/** Options of {@link executeToolCall}. */
export interface ExecuteToolCallOptions {
  signal: AbortSignal;
  onUpdate?: (update: unknown) => void;
  /** Called once the input is valid and the tool is about to run. */
  onStart?: (input: unknown) => void;
}

/**
 * Normalises what a tool returned into a tool result block. Throws a `tool-execution`
 * error for anything that is not a {@link ToolOutput} (e.g. `undefined` from a JS tool).
 */
export function toToolResultBlock(toolUseId: string, output: ToolOutput): ToolResultBlock {
  if (typeof output === "string")
    return { type: "tool-result", toolUseId, content: [{ type: "text", text: output }] };
  if (Array.isArray(output)) return { type: "tool-result", toolUseId, content: output };
  const result = output as ToolResult | null | undefined;
  if (typeof result !== "object" || result === null || !Array.isArray(result.content ?? [])) {
    throw new ArkyError({
      code: "tool-execution",
      message: `The tool returned ${result === null ? "null" : typeof result}, not a result.`,
      correction: "Return a string, an array of content blocks, or { content, isError }.",
    });
  }
  const block: ToolResultBlock = { type: "tool-result", toolUseId, content: result.content ?? [] };
  if (result.isError) block.isError = true;
  return block;
}

/** The error for a call the caller's signal aborted: its reason if that is an ArkyError, else `cancelled`. */
function abortedError(signal: AbortSignal): ArkyError {
  return ArkyError.isArkyError(signal.reason) ? signal.reason : cancelledError(signal.reason);
}

function errorResult(toolUseId: string, error: ArkyError): ToolResultBlock {
  const text = error.correction ? `${error.message}\n${error.correction}` : error.message;
  return { type: "tool-result", toolUseId, content: [{ type: "text", text }], isError: true };
}

/**
 * Runs one tool call: looks the tool up, validates the input, runs it with its timeout
 * and the caller's signal, and turns every outcome into a result for the model. Never
 * throws. A tool that ignores its signal is abandoned when the timeout or the abort
 * fires; its eventual result is discarded.
 */
export async function executeToolCall(
  registry: ToolRegistry,
  call: ToolCall,
  options: ExecuteToolCallOptions,
): Promise<ToolCallOutcome> {
  const started = performance.now();
  const done = (result: ToolResultBlock, error?: ArkyError): ToolCallOutcome => ({
    result,
    error,
    durationMs: performance.now() - started,
  });
  const fail = (error: ArkyError) => done(errorResult(call.id, error), error);

  const tool = registry.get(call.name);
  if (!tool) {
    const available = registry.list().map((t) => t.name);
    return fail(
      new ArkyError({
        code: "tool-not-found",
        message: `No tool named "${call.name}".`,
        correction: available.length
          ? `Available tools: ${available.join(", ")}.`
          : "No tools are available.",
      }),
    );
  }
  let parsed: ReturnType<typeof tool.parse>;
  try {
    parsed = tool.parse(call.input);
  } catch (thrown) {
    parsed = { ok: false, message: thrown instanceof Error ? thrown.message : String(thrown) };
  }
  if (!parsed.ok) {
    return fail(
      new ArkyError({
        code: "tool-input-invalid",
        message: `Invalid input for tool "${call.name}":\n${parsed.message}`,
        correction: "Fix the input to match the tool's schema and call it again.",
      }),
    );
  }
  if (options.signal.aborted) return fail(abortedError(options.signal));
  options.onStart?.(parsed.value);

  const timeoutMs = registry.timeoutFor(tool);
  const controller = new AbortController();
  let settle: ((error: ArkyError) => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    settle = reject;
  });
  const onAbort = () => {
    controller.abort(options.signal.reason);
    settle?.(abortedError(options.signal));
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    const error = new ArkyError({
      code: "tool-timeout",
      message: `Tool "${call.name}" did not finish within ${timeoutMs} ms.`,
      correction: "Try a smaller task, or raise the tool's timeoutMs.",
    });
    controller.abort(error);
    settle?.(error);
  }, timeoutMs);
  // An abandoned tool may keep reporting progress; nothing may be emitted after its end.
  let finished = false;
  try {
    const running = Promise.resolve().then(() =>
      tool.execute(parsed.value, {
        signal: controller.signal,
        toolCallId: call.id,
        onUpdate: (update) => {
          if (!finished) options.onUpdate?.(update);
        },
      }),
    );
    // An abandoned tool (timed out, cancelled) may still reject later; that must not surface.
    running.catch(() => {});
    const output = await Promise.race([running, interrupted]);
    if (controller.signal.aborted) throw controller.signal.reason;
    return done(toToolResultBlock(call.id, output));
  } catch (thrown) {
    const error = options.signal.aborted
      ? abortedError(options.signal)
      : ArkyError.isArkyError(thrown)
        ? thrown
        : new ArkyError({
            code: "tool-execution",
            message: `Tool "${call.name}" failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
            cause: thrown,
          });
    return fail(error);
  } finally {
    finished = true;
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
  }
}
