import { z } from "zod";
import { ArkyError } from "../../protocol/index.js";
import type { ForkCut } from "../../provider/index.js";
import type { TurnEntry } from "./claude-code-session.js";

export const stateSchema = z.object({
  claudeSessionId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
  transcript: z.string().optional(),
  /** Per Arky turn, the CLI message uuid it ended at (what a fork at that turn resumes at). */
  turns: z.array(z.object({ turnId: z.string(), uuid: z.string().nullable() })).optional(),
});

/** What {@link ClaudeCodeRuntime.getState} returns, stored by the Agent as `runtimeState`. */
export type ClaudeCodeState = z.infer<typeof stateSchema>;

/**
 * Where a fork cut at a turn's end resumes the CLI's conversation: the uuid of the last CLI
 * message of the last kept turn (`--resume-session-at`), undefined when the fork keeps no
 * message, and the turn entries the fork keeps. The CLI resumes only at a message, so a cut
 * inside a turn, or at a turn this state has no record of (state written by an older Arky),
 * is refused with `capability-unsupported`.
 */
export function resumePoint(turns: readonly TurnEntry[], cut: ForkCut): { at?: string; turns: TurnEntry[] } {
  if (cut.midTurn)
    throw unsupported(
      "the fork point lies inside a turn",
      "Fork at a turn's end: the seq of its `turn-end` event (or any seq between turns).",
    );
  if (cut.lastTurnId === undefined) return { turns: [] };
  const index = turns.findIndex((t) => t.turnId === cut.lastTurnId);
  if (index < 0)
    throw unsupported(
      `the stored Claude Code state has no resume point for turn ${cut.lastTurnId}`,
      "Fork at the end of the session, or at a turn run by this version of Arky.",
    );
  const kept = turns.slice(0, index + 1);
  const at = kept.findLast((t) => t.uuid !== null)?.uuid ?? undefined;
  return at === undefined ? { turns: kept } : { at, turns: kept };
}

function unsupported(why: string, correction: string): ArkyError {
  return new ArkyError({
    code: "capability-unsupported",
    message: `Claude Code cannot fork this session there: ${why}.`,
    correction,
  });
}
