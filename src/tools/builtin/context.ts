import type { ToolLimits } from "./limits.js";
import type { AllowedRoots } from "./paths.js";

/** What every file tool needs: the allowed roots and the limits. */
export interface FileToolContext {
  roots: AllowedRoots;
  limits: ToolLimits;
  /** Let write and edit change a file that has other hard links (default false). */
  allowHardLinks?: boolean;
}
