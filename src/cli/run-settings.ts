import { homedir } from "node:os";
import type { AgentOptions } from "../core/index.js";
import type { CanUseTool } from "../permissions/index.js";
import {
  guardOptionsFromSettings,
  type LoadedSettings,
  loadSettings,
} from "../permissions/settings/index.js";
import type { RunArgs } from "./args.js";
import type { CliIo } from "./io.js";

/**
 * The settings `arky run` reads, as Claude Code does: `~/.claude/settings.json`,
 * `~/.arky/settings.json`, then the project's (`cwd`) `.claude/settings.json`,
 * `.arky/settings.json` and `.claude/settings.local.json`. Warnings go to stderr.
 */
export async function loadRunSettings(io: CliIo, cwd: string): Promise<LoadedSettings> {
  const settings = await loadSettings({ cwd, home: io.env.HOME || homedir() });
  for (const warning of settings.warnings) io.stderr.write(`arky: ${warning}\n`);
  return settings;
}

/**
 * `arky run` cannot ask, so a call that needs permission is refused with what to pass next
 * time; the message names the CLI's flags rather than the library's options.
 */
const refuseHeadless: CanUseTool = (toolName, _input, { reason, suggestedRule }) => ({
  behavior: "deny",
  message:
    `arky run cannot ask for permission and ${toolName} needs it (${reason}). To allow it, run again with ` +
    `${suggestedRule ? `--allowed-tools "${suggestedRule}"` : "--allowed-tools <rule>"}, ` +
    "--permission-mode acceptEdits (file edits in the working folder) or --permission-mode bypass (every tool), " +
    "or add an allow rule to .claude/settings.json.",
});

/**
 * Permissions and hooks of the run. Precedence as in Claude Code: `--permission-mode` over
 * the settings' `defaultMode` (local over project over user), else `default`; the flags'
 * rules are added to the files' rules (deny beats ask beats allow wherever a rule came from).
 */
export function runPermissions(
  args: RunArgs,
  settings: LoadedSettings,
  cwd: string,
): Pick<AgentOptions, "permissions" | "hooks"> {
  const { permissions, hooks } = guardOptionsFromSettings(settings, {
    permissions: {
      mode: args.permissionMode,
      allow: args.allow,
      deny: args.deny,
      cwd,
      canUseTool: refuseHeadless,
    },
    commandHooks: { cwd, env: settings.env },
  });
  // Explicit so that the CLI is safe whatever the library's default mode is.
  return { permissions: { ...permissions, mode: permissions?.mode ?? "default" }, hooks };
}
