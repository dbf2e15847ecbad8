import { describe } from "vitest";
import { describeSessionStoreContract } from "../session/store-contract.js";
import { availability, pgTitle, usePostgres } from "./pg-helpers.js";

describe.skipIf(!availability.available)(pgTitle("PostgresSessionStore"), () => {
  const pg = usePostgres();
  describeSessionStoreContract("PostgresSessionStore", async () => {
    const schema = pg.newSchema();
    const store = pg.store({ schema, pageSize: 4 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pg.admin().query(`DROP SCHEMA "${schema}" CASCADE`);
      },
    };
  });
});
