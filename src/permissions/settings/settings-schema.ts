import { z } from "zod";

/**
 * The parts of a Claude Code / Arky `settings.json` this module reads. Other keys are
 * allowed and ignored. Entries are validated one by one later so
 * errors can name the entry.
 */
export const settingsFileSchema = z
  .object({
    hooks: z.record(z.string(), z.array(z.unknown())).optional(),
    env: z.record(z.string(), z.string()).optional(),
    model: z.string().trim().min(1, "model must be a non-empty string").optional(),
    permissions: z
      .object({
        allow: z.array(z.unknown()).optional(),
        deny: z.array(z.unknown()).optional(),
        ask: z.array(z.unknown()).optional(),
        defaultMode: z.string().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** One `{ matcher, hooks: [...] }` group under an event. */
export const hookMatcherGroupSchema = z
  .object({
    matcher: z.string().optional(),
    hooks: z.array(z.unknown()),
  })
  .loose();

/** A `{ type: "command", command, timeout }` entry (Arky also reads `failureMode`). */
export const commandHookEntrySchema = z
  .object({
    type: z.literal("command"),
    command: z.string().trim().min(1, "command must be a non-empty string"),
    timeout: z.number().positive("timeout must be a positive number of seconds").optional(),
    failureMode: z.enum(["fail-open", "fail-closed"]).optional(),
  })
  .loose();

/** Any hook entry: only `type` is checked first, so other types can be reported as unsupported. */
export const hookEntryTypeSchema = z.object({ type: z.string() }).loose();
