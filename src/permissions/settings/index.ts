/**
 * `arky/settings`: Claude Code style settings files (permissions and command hooks). This
 * entry starts subprocesses (hook commands), so it is kept out of the root `arky` entry.
 */
export {
  COMMAND_HOOK_EVENTS,
  type CommandHookEvent,
  type CommandHookOptions,
  type CommandHookSpec,
  createCommandHook,
} from "../../hooks/command/command-hook.js";
export {
  commandHooksFromSettings,
  type GuardOptionsFromSettings,
  guardOptionsFromSettings,
} from "./from-settings.js";
export {
  defaultSettingsFiles,
  type LoadedCommandHook,
  type LoadedSettings,
  type LoadSettingsOptions,
  loadSettings,
} from "./load-settings.js";
