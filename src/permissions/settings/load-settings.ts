import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import {
  COMMAND_HOOK_EVENTS,
  type CommandHookEvent,
  type CommandHookSpec,
} from "../../hooks/command/command-hook.js";
import { compileToolMatcher } from "../../hooks/matcher.js";
import { ArkyError } from "../../protocol/index.js";
import { isPermissionMode, type PermissionMode } from "../mode.js";
import { parsePermissionRule } from "../rule.js";
import {
  commandHookEntrySchema,
  hookEntryTypeSchema,
  hookMatcherGroupSchema,
  settingsFileSchema,
} from "./settings-schema.js";

/** Options of {@link loadSettings}. */
export interface LoadSettingsOptions {
  /** The project directory (default `process.cwd()`). */
  cwd?: string;
  /** The user's home directory (default `os.homedir()`). */
  home?: string;
  /** Files to read instead of the default locations, lowest precedence first. */
  files?: readonly string[];
}

/** A command hook with the file it came from. */
export interface LoadedCommandHook extends CommandHookSpec {
  source: string;
}

/** Settings merged from every file found. */
export interface LoadedSettings {
  /** The files that existed and were read, lowest precedence first. */
  files: string[];
  /** Rules from every file (lists concatenate; deny beats ask beats allow whatever the file). */
  permissions: { allow: string[]; deny: string[]; ask: string[]; mode?: PermissionMode };
  /** Command hooks from every file, user files' first. */
  hooks: LoadedCommandHook[];
  /**
   * `env` of every file, a later file's value winning per variable. Loading does not apply
   * it: `arky run` gives it to tools and command hooks.
   */
  env?: Record<string, string>;
  /** `model` of the last file that sets one. */
  model?: string;
  /** Things a file holds that Arky does not run (other hook events or types, other modes). */
  warnings: string[];
}

/**
 * The default settings files, lowest precedence first: `~/.claude/settings.json`,
 * `~/.arky/settings.json`, then the project's `.claude/settings.json`,
 * `.arky/settings.json`, `.claude/settings.local.json`.
 */
export function defaultSettingsFiles(cwd: string = process.cwd(), home: string = homedir()): string[] {
  return [
    join(home, ".claude", "settings.json"),
    join(home, ".arky", "settings.json"),
    join(cwd, ".claude", "settings.json"),
    join(cwd, ".arky", "settings.json"),
    join(cwd, ".claude", "settings.local.json"),
  ];
}

/**
 * Reads the settings files (missing files are skipped) and merges them: hooks and rule
 * lists concatenate, and `permissions.defaultMode` of a later (project) file overrides an
 * earlier (user) one. Throws a `configuration` ArkyError naming the file and the entry
 * for unreadable JSON, a malformed hook entry or matcher, or a malformed rule.
 */
export async function loadSettings(options: LoadSettingsOptions = {}): Promise<LoadedSettings> {
  const files = options.files ?? defaultSettingsFiles(options.cwd, options.home);
  const out: LoadedSettings = {
    files: [],
    permissions: { allow: [], deny: [], ask: [] },
    hooks: [],
    warnings: [],
  };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw configError(file, `cannot be read: ${(error as Error).message}`, error);
    }
    out.files.push(file);
    mergeSettingsFile(out, file, text);
  }
  return out;
}

/** Parses one settings file's text into `into`. Exported for tests and custom loaders. */
export function mergeSettingsFile(into: LoadedSettings, file: string, text: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw configError(file, `is not valid JSON: ${(error as Error).message}`, error);
  }
  const parsed = settingsFileSchema.safeParse(json);
  if (!parsed.success)
    throw configError(file, `is not a valid settings file: ${z.prettifyError(parsed.error)}`);
  const { hooks = {}, permissions = {}, env, model } = parsed.data;
  if (env) into.env = { ...into.env, ...env };
  if (model) into.model = model;

  for (const list of ["allow", "deny", "ask"] as const) {
    (permissions[list] ?? []).forEach((rule, i) => {
      parsePermissionRule(rule, `${file} (permissions.${list}[${i}])`);
      into.permissions[list].push((rule as string).trim());
    });
  }
  const { defaultMode } = permissions;
  // Claude Code's spelling of `bypass` is accepted, as `setPermissionMode` does.
  if (defaultMode === "bypassPermissions") into.permissions.mode = "bypass";
  else if (isPermissionMode(defaultMode)) into.permissions.mode = defaultMode;
  else if (defaultMode !== undefined)
    into.warnings.push(`${file}: permissions.defaultMode "${defaultMode}" is not supported; ignored.`);

  for (const [event, groups] of Object.entries(hooks)) {
    if (!(COMMAND_HOOK_EVENTS as readonly string[]).includes(event)) {
      into.warnings.push(`${file}: hooks.${event} is not an event Arky runs; ignored.`);
      continue;
    }
    groups.forEach((rawGroup, i) => {
      const where = `hooks.${event}[${i}]`;
      const group = hookMatcherGroupSchema.safeParse(rawGroup);
      if (!group.success) throw configError(file, `${where} is malformed: ${z.prettifyError(group.error)}`);
      const { matcher } = group.data;
      if (matcher !== undefined) {
        try {
          compileToolMatcher(matcher);
        } catch (error) {
          throw configError(file, `${where}.matcher "${matcher}" is not a valid pattern`, error);
        }
      }
      group.data.hooks.forEach((rawEntry, j) => {
        const at = `${where}.hooks[${j}]`;
        const typed = hookEntryTypeSchema.safeParse(rawEntry);
        if (!typed.success) throw configError(file, `${at} is malformed: ${z.prettifyError(typed.error)}`);
        if (typed.data.type !== "command") {
          into.warnings.push(
            `${file}: ${at} has type "${typed.data.type}"; only "command" hooks run; ignored.`,
          );
          return;
        }
        const entry = commandHookEntrySchema.safeParse(rawEntry);
        if (!entry.success) throw configError(file, `${at} is malformed: ${z.prettifyError(entry.error)}`);
        const spec: LoadedCommandHook = {
          event: event as CommandHookEvent,
          command: entry.data.command,
          source: file,
        };
        if (matcher !== undefined) spec.matcher = matcher;
        if (entry.data.timeout !== undefined) spec.timeoutSeconds = entry.data.timeout;
        if (entry.data.failureMode !== undefined) spec.failureMode = entry.data.failureMode;
        into.hooks.push(spec);
      });
    });
  }
}

function configError(file: string, problem: string, cause?: unknown): ArkyError {
  const inner = ArkyError.isArkyError(cause) && cause.code === "configuration" ? ` ${cause.message}` : "";
  return new ArkyError({
    code: "configuration",
    message: `Settings file ${file}: ${problem}.${inner}`,
    correction: "Fix or remove the entry; see docs/hooks-and-permissions.md for the settings format.",
    details: { file },
    cause,
  });
}
