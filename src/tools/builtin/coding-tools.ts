import type { Tool } from "../types.js";
import { bashTool } from "./bash.js";
import { editTool } from "./edit.js";
import { filteredEnv } from "./env.js";
import { globTool } from "./glob.js";
import { grepTool } from "./grep.js";
import { resolveLimits, type ToolLimits } from "./limits.js";
import { AllowedRoots } from "./paths.js";
import { readTool } from "./read.js";
import { findRipgrep } from "./ripgrep-path.js";
import { TodoList, todoReadTool, todoWriteTool } from "./todo.js";
import { webFetchTool } from "./web-fetch.js";
import { writeTool } from "./write.js";

/** Options of {@link codingTools}. */
export interface CodingToolsOptions {
  /** The working directory: relative paths start here, and it is the first allowed root. */
  cwd: string;
  /** More folders the file tools may read and write. */
  additionalDirectories?: string[];
  /**
   * Variables added to `bash`'s environment. Only an allowlist (PATH, HOME, LANG, …) of the
   * current environment is passed otherwise, so secrets such as API keys stay out unless given here.
   */
  env?: Record<string, string>;
  /** Overrides of the size and time limits. */
  limits?: Partial<ToolLimits>;
  /** A ripgrep binary for `grep`; `null` forces the JavaScript search. Default: `@vscode/ripgrep` if installed. */
  ripgrepPath?: string | null;
  /**
   * Let `write` and `edit` change a file that has more than one hard link. Off by default: the
   * other link may lie outside the allowed folders, so writing through it would change that file.
   */
  allowHardLinks?: boolean;
  /** The todo list to use (default: a new one, private to this set of tools). */
  todos?: TodoList;
}

/**
 * The built-in coding tools for one agent: `bash`, `read`, `write`, `edit`, `glob`,
 * `grep`, `web_fetch`, `todo_write`, `todo_read`. File tools are confined to `cwd` and
 * `additionalDirectories`. Each tool carries `cwd`, so an Agent without its own `cwd` works
 * (and resolves its permission rules) there.
 *
 * @example
 * const registry = new ToolRegistry(await codingTools({ cwd: process.cwd() }));
 */
export async function codingTools(options: CodingToolsOptions): Promise<Tool[]> {
  const roots = new AllowedRoots(options.cwd, options.additionalDirectories);
  const limits = resolveLimits(options.limits);
  const context = { roots, limits, allowHardLinks: options.allowHardLinks };
  const ripgrepPath = options.ripgrepPath === undefined ? await findRipgrep() : options.ripgrepPath;
  const todos = options.todos ?? new TodoList();
  const tools = [
    bashTool({ roots, limits, env: filteredEnv(options.env) }),
    readTool(context),
    writeTool(context),
    editTool(context),
    globTool(context),
    grepTool({ ...context, ripgrepPath }),
    webFetchTool({ limits }),
    todoWriteTool(todos),
    todoReadTool(todos),
  ];
  // Tagged so the Agent resolves its permission rules against the folder the tools work in.
  return tools.map((tool) => ({ ...tool, cwd: roots.cwd }));
}
