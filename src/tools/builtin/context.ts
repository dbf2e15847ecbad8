import type { ToolLimits } from "./limits.js";
import type { AllowedRoots } from "./paths.js";

/** What every file tool needs: the allowed roots and the limits. */
export interface FileToolContext {
  roots: AllowedRoots;
  limits: ToolLimits;
}
