import { randomUUID } from "node:crypto";

/** A new session id (a UUID, so CLI runtimes that want UUIDs can reuse it). */
export function newSessionId(): string {
  return randomUUID();
}

/** A new id with a readable prefix, e.g. `turn_…`, `msg_…`, `toolu_…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
}
