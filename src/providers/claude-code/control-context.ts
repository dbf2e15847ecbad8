import type { ToolDecision } from "../../provider/index.js";
import type { ToolCallTracker } from "./tool-call-tracker.js";

/**
 * The narrow slice of a running turn that control-request handlers need: the tool calls
 * it knows of, and one guard decision per call.
 */
export interface ControlContext {
  readonly tracker: ToolCallTracker;
  /** Asks the guard once per tool call; later asks for the same call get the same decision. */
  decide(
    toolCallId: string,
    cliName: string,
    input: unknown,
    parentToolCallId?: string,
  ): Promise<ToolDecision>;
}
