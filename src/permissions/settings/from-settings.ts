import { type CommandHookOptions, createCommandHook } from "../../hooks/command/command-hook.js";
import type { Hooks } from "../../hooks/types.js";
import type { CreateToolCallGuardOptions, PermissionOptions } from "../create-guard.js";
import type { LoadedSettings } from "./load-settings.js";

/** The settings' command hooks as {@link Hooks}, in file order. */
export function commandHooksFromSettings(
  settings: LoadedSettings,
  options: CommandHookOptions = {},
): Hooks[] {
  return settings.hooks.map((spec) => createCommandHook(spec, options));
}

/** Options of {@link guardOptionsFromSettings}. */
export interface GuardOptionsFromSettings {
  /** Programmatic permissions: rule lists are added to the settings' lists; `mode` overrides `defaultMode`. */
  permissions?: PermissionOptions;
  /** Programmatic hooks; they run after the settings' command hooks. */
  hooks?: readonly Hooks[];
  /** How command hooks run (cwd, project directory, extra environment). */
  commandHooks?: CommandHookOptions;
}

/**
 * Combines loaded settings with programmatic options into options for
 * `createToolCallGuard`: rule lists concatenate, an explicit `mode` beats the settings'
 * `defaultMode`, and settings hooks run before programmatic ones.
 */
export function guardOptionsFromSettings(
  settings: LoadedSettings,
  options: GuardOptionsFromSettings = {},
): CreateToolCallGuardOptions {
  const { permissions = {}, hooks = [], commandHooks = {} } = options;
  const mode = permissions.mode ?? settings.permissions.mode;
  return {
    permissions: {
      ...permissions,
      ...(mode ? { mode } : {}),
      allow: [...settings.permissions.allow, ...(permissions.allow ?? [])],
      deny: [...settings.permissions.deny, ...(permissions.deny ?? [])],
      ask: [...settings.permissions.ask, ...(permissions.ask ?? [])],
    },
    hooks: [...commandHooksFromSettings(settings, { cwd: permissions.cwd, ...commandHooks }), ...hooks],
  };
}
