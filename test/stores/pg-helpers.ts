import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { PostgresSessionStore, type PostgresSessionStoreOptions } from "../../src/stores/postgres/index.js";
import { postgresAvailability, startTestPostgres, type TestPostgres } from "../setup/postgres.js";

export const availability = postgresAvailability();

/** The describe title: says how to enable the tests when they are skipped. */
export const pgTitle = (title: string) =>
  availability.available ? title : `${title} (skipped: ${availability.reason})`;

/**
 * Starts PostgreSQL for the file and returns helpers. Each store gets its own schema
 * (dropped afterwards), so files and tests do not see each other's sessions.
 */
export function usePostgres() {
  let server: TestPostgres | undefined;
  let admin: pg.Client | undefined;
  const stores: PostgresSessionStore[] = [];
  const schemas = new Set<string>();

  beforeAll(async () => {
    if (!availability.available) return;
    server = await startTestPostgres();
    admin = new pg.Client({ connectionString: server.url });
    admin.on("error", () => {});
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    for (const store of stores) await store.close().catch(() => {});
    for (const schema of schemas) await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
    await server?.stop();
  }, 60_000);

  return {
    url: () => server!.url,
    /** A superuser connection for inspecting and sabotaging the database. */
    admin: () => admin!,
    newSchema: () => {
      const schema = `t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
      schemas.add(schema);
      return schema;
    },
    /** A store on a fresh schema (or the given one), closed after the file. */
    store(options: Partial<PostgresSessionStoreOptions> & { schema: string }): PostgresSessionStore {
      schemas.add(options.schema);
      const store = new PostgresSessionStore({
        ...(options.pool ? {} : { connectionString: server!.url }),
        ...options,
      });
      stores.push(store);
      return store;
    },
  };
}
