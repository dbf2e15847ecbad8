import { describe, expect, it } from "vitest";
import { ArkyError } from "../../src/protocol/index.js";
import { deltas } from "./helpers.js";
import { availability, pgTitle, usePostgres } from "./pg-helpers.js";

// A frozen server answers no server-side statement_timeout: the store's client-side bound
// (`timeoutMs`) must end the call with a classified, retryable `timeout`.
describe.skipIf(!availability.available)(pgTitle("PostgresSessionStore against a frozen server"), () => {
  const pg = usePostgres();

  it("an append to a frozen backend fails with timeout after timeoutMs; the next one works", async () => {
    const app = `arky-frozen-${Date.now()}`;
    const store = pg.store({
      schema: pg.newSchema(),
      connectionString: `${pg.url()}?application_name=${app}`,
      timeoutMs: 500,
    });
    await store.create("f");
    await store.append("f", deltas("f", 0, 3));
    const { rows } = await pg
      .admin()
      .query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [app]);
    expect(rows.length).toBeGreaterThan(0);
    for (const { pid } of rows) process.kill(pid, "SIGSTOP");
    const started = Date.now();
    let error: unknown;
    try {
      error = await store.append("f", deltas("f", 3, 3)).catch((e: unknown) => e);
    } finally {
      for (const { pid } of rows) process.kill(pid, "SIGCONT");
    }
    expect(Date.now() - started).toBeLessThan(3000);
    expect(ArkyError.isArkyError(error) && error.code).toBe("timeout");
    expect((error as ArkyError).retryable).toBe(true);
    expect((error as ArkyError).message).toContain("session f");
    // The frozen connection was dropped, but the append it had sent may still run when the
    // server resumes: the outcome is unknown, the store stays consistent, and a writer that
    // reads back first continues from whatever is stored.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lastSeq = (await store.get("f"))!.lastSeq;
    expect([3, 6]).toContain(lastSeq);
    await store.append("f", deltas("f", lastSeq, 2));
    expect((await store.get("f"))?.lastSeq).toBe(lastSeq + 2);
  });
});
