import type { GuardConfig, Rig } from "./rigs.js";

/** What every runtime must agree on for a case. */
export interface Expected {
  /** `permission-decision` events of the turn, as `decision/source`. */
  permissions: string[];
  /** `hook-decision` events of the turn, as `hook/decision`. */
  hooks: string[];
  /** Files the command must have created, and files it must not have. */
  present: string[];
  absent: string[];
  /** Text the model must find in the tool result it received (a refusal's reason). */
  modelSees?: RegExp;
  /** Text the model must not find there. */
  modelLacks?: RegExp;
  /** What the `permission-decision` reason must say (the same on every runtime). */
  reason?: RegExp;
  /** The command that ran (`tool-execution-start`'s input), when one ran. */
  runs?: string;
}

/** One row of the table: a configuration, the command the model asks for, the outcome. */
export interface GuardCase {
  name: string;
  command: string;
  config: GuardConfig;
  expected: Expected;
  /** A runtime's documented difference from `expected` (see docs/hooks-and-permissions.md). */
  differs?: Partial<Record<Rig["name"], Partial<Expected>>>;
}

const boom = () => {
  throw new Error("hook crashed");
};

/** Codex answers a declined approval with its own text; the guard's reason never reaches the model. */
const CODEX_REFUSAL = /rejected/i;

export const CASES: GuardCase[] = [
  {
    name: "a deny rule: the command never runs, the model gets a refusal",
    command: "touch denied.txt",
    config: { permissions: { mode: "bypass", deny: ["Bash(touch:*)"] } },
    expected: {
      permissions: ["deny/rule"],
      hooks: [],
      present: [],
      absent: ["denied.txt"],
      modelSees: /deny rule "Bash\(touch:\*\)"/,
    },
    differs: { codex: { modelSees: CODEX_REFUSAL } },
  },
  {
    name: "an allow rule: the command runs",
    command: "touch allowed.txt",
    config: { permissions: { mode: "default", allow: ["Bash(touch:*)"] } },
    expected: {
      permissions: ["allow/rule"],
      hooks: [],
      present: ["allowed.txt"],
      absent: [],
      runs: "touch allowed.txt",
    },
  },
  {
    name: "no rule, no callback in default mode: denied, the reason says how to allow it",
    command: "touch asked.txt",
    config: { permissions: { mode: "default" } },
    expected: {
      permissions: ["deny/default"],
      hooks: [],
      present: [],
      absent: ["asked.txt"],
      modelSees: /no canUseTool callback/,
    },
    differs: { codex: { modelSees: CODEX_REFUSAL } },
  },
  {
    name: "no permissions at all (the default): refused, the correction names the options to set",
    command: "touch unasked.txt",
    config: {},
    expected: {
      permissions: ["deny/default"],
      hooks: [],
      present: [],
      absent: ["unasked.txt"],
      modelSees: /permissions: \{ allow: \["Bash\(touch unasked\.txt:\*\)"\] \}/,
      reason:
        /permissions: \{ allow: \["Bash\(touch unasked\.txt:\*\)"\] \}.*mode: "acceptEdits".*"bypass".*permissions\.canUseTool/,
    },
    differs: { codex: { modelSees: CODEX_REFUSAL } },
  },
  {
    name: "plan mode: a command is denied even with an allow rule",
    command: "touch planned.txt",
    config: { permissions: { mode: "plan", allow: ["Bash(touch:*)"] } },
    expected: {
      permissions: ["deny/mode"],
      hooks: [],
      present: [],
      absent: ["planned.txt"],
      modelSees: /plan/,
    },
    differs: { codex: { modelSees: CODEX_REFUSAL } },
  },
  {
    name: "canUseTool edits the input: the edited command is what runs",
    command: "touch original.txt",
    config: {
      permissions: {
        mode: "default",
        canUseTool: (_tool, input) => ({
          behavior: "allow",
          updatedInput: { ...(input as object), command: "touch edited.txt" },
        }),
      },
    },
    expected: {
      permissions: ["allow/callback"],
      hooks: [],
      present: ["edited.txt"],
      absent: ["original.txt"],
      runs: "touch edited.txt",
    },
    // Codex runs its own command; accepting would run the original, so it is declined.
    differs: {
      codex: {
        permissions: ["deny/callback"],
        present: [],
        absent: ["original.txt", "edited.txt"],
        modelSees: CODEX_REFUSAL,
        runs: undefined,
      },
    },
  },
  {
    name: "a canUseTool callback that throws: denied, the model sees the error",
    command: "touch thrown.txt",
    config: {
      permissions: {
        mode: "default",
        canUseTool: () => {
          throw new Error("callback crashed");
        },
      },
    },
    expected: {
      permissions: ["deny/callback"],
      hooks: [],
      present: [],
      absent: ["thrown.txt"],
      modelSees: /callback crashed/,
    },
    differs: { codex: { modelSees: CODEX_REFUSAL } },
  },
  {
    name: "a fail-closed beforeToolCall hook that throws: blocked",
    command: "touch closed.txt",
    config: {
      hooks: [{ name: "crashy", matcher: "Bash", failureMode: "fail-closed", beforeToolCall: boom }],
    },
    expected: {
      permissions: ["deny/hook"],
      hooks: ["crashy/error"],
      present: [],
      absent: ["closed.txt"],
      modelSees: /hook crashed/,
    },
    differs: { codex: { modelSees: CODEX_REFUSAL } },
  },
  {
    name: "a fail-open beforeToolCall hook that throws: ignored, the command runs",
    command: "touch open.txt",
    config: {
      permissions: { mode: "bypass" },
      hooks: [{ name: "crashy", matcher: "Bash", failureMode: "fail-open", beforeToolCall: boom }],
    },
    expected: {
      permissions: ["allow/mode"],
      hooks: ["crashy/error"],
      present: ["open.txt"],
      absent: [],
      runs: "touch open.txt",
    },
  },
  {
    name: "a hook that blocks with a reason: the model sees the reason",
    command: "touch blocked.txt",
    config: {
      permissions: { mode: "default", allow: ["Bash(touch:*)"] },
      hooks: [
        {
          name: "no-touch",
          matcher: "Bash",
          beforeToolCall: () => ({ decision: "block", reason: "Touching files is off limits today." }),
        },
      ],
    },
    expected: {
      permissions: ["deny/hook"],
      hooks: ["no-touch/block"],
      present: [],
      absent: ["blocked.txt"],
      modelSees: /Touching files is off limits today\./,
    },
    differs: { codex: { modelSees: CODEX_REFUSAL } },
  },
  {
    name: "a hook's allow skips the callback",
    command: "touch approved.txt",
    config: {
      permissions: {
        mode: "default",
        canUseTool: () => ({ behavior: "deny", message: "the callback must not be asked" }),
      },
      hooks: [
        {
          name: "approve",
          matcher: "Bash",
          beforeToolCall: () => ({ decision: "allow", reason: "trusted" }),
        },
      ],
    },
    expected: {
      permissions: ["allow/hook"],
      hooks: ["approve/continue"],
      present: ["approved.txt"],
      absent: [],
      runs: "touch approved.txt",
    },
  },
  {
    name: "a hook replaces the input: the replaced command is what runs",
    command: "touch before-hook.txt",
    config: {
      permissions: { mode: "bypass" },
      hooks: [
        {
          name: "rename",
          matcher: "Bash",
          beforeToolCall: ({ input }) => ({
            updatedInput: { ...(input as object), command: "touch after-hook.txt" },
          }),
        },
      ],
    },
    expected: {
      permissions: ["allow/mode"],
      hooks: ["rename/modify"],
      present: ["after-hook.txt"],
      absent: ["before-hook.txt"],
      runs: "touch after-hook.txt",
    },
    differs: {
      codex: {
        permissions: ["deny/mode"],
        present: [],
        absent: ["before-hook.txt", "after-hook.txt"],
        modelSees: CODEX_REFUSAL,
        runs: undefined,
      },
    },
  },
  {
    name: "an afterToolCall hook does not run for a refused call",
    command: "touch refused.txt",
    config: {
      permissions: { mode: "bypass", deny: ["Bash(touch:*)"] },
      hooks: [{ name: "annotate", afterToolCall: () => ({ additionalContext: "checked by annotate" }) }],
    },
    expected: {
      permissions: ["deny/rule"],
      hooks: [],
      present: [],
      absent: ["refused.txt"],
      modelLacks: /checked by annotate/,
    },
  },
  {
    name: "an afterToolCall hook annotates the result of a command that ran",
    command: "touch annotated.txt",
    config: {
      permissions: { mode: "bypass" },
      hooks: [{ name: "annotate", afterToolCall: () => ({ additionalContext: "checked by annotate" }) }],
    },
    expected: {
      permissions: ["allow/mode"],
      hooks: ["annotate/modify"],
      present: ["annotated.txt"],
      absent: [],
      runs: "touch annotated.txt",
      modelSees: /checked by annotate/,
    },
    // The CLI runtimes run their own tools and send the result to the model themselves:
    // the annotation reaches Arky's events, not the model.
    differs: {
      "claude-code": { modelSees: undefined, modelLacks: /checked by annotate/ },
      codex: { modelSees: undefined, modelLacks: /checked by annotate/ },
    },
  },
];

/** The expectation of a case on one runtime (the common one with that runtime's differences). */
export function expectedOn(testCase: GuardCase, runtime: Rig["name"]): Expected {
  return { ...testCase.expected, ...testCase.differs?.[runtime] };
}
