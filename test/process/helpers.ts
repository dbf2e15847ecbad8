import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { JsonLineProcess, type JsonLineProcessOptions } from "../../src/process/index.js";
import type { ArkyError } from "../../src/protocol/index.js";

export const CHILD = fileURLToPath(new URL("./fixtures/child.mjs", import.meta.url));

export const messageSchema = z.looseObject({ type: z.string() });
export type Message = z.infer<typeof messageSchema>;

/** Whether a pid is a live (non-zombie) process, read from /proc. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Starts the fixture child in a mode and collects what it reports. */
export async function startChild(mode: string[], options: Partial<JsonLineProcessOptions<Message>> = {}) {
  const messages: Message[] = [];
  const errors: ArkyError[] = [];
  const waiters: Array<() => void> = [];
  const child = await JsonLineProcess.start<Message>({
    command: process.execPath,
    args: [CHILD, ...mode],
    name: "fixture",
    schema: messageSchema,
    onMessage: (m) => {
      messages.push(m);
      for (const w of waiters.splice(0)) w();
    },
    onProtocolError: (e) => errors.push(e),
    ...options,
  });
  const waitFor = async (count: number) => {
    while (messages.length < count) await new Promise<void>((r) => waiters.push(r));
  };
  return { child, messages, errors, waitFor };
}
