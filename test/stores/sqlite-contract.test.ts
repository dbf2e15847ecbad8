import { rmSync } from "node:fs";
import { join } from "node:path";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { describeSessionStoreContract } from "../session/store-contract.js";
import { tempDir } from "./helpers.js";

const dir = tempDir();
let n = 0;

describeSessionStoreContract("SqliteSessionStore (file)", async (now) => {
  const path = join(dir, `contract-${++n}.db`);
  const store = new SqliteSessionStore({ path, pageSize: 4, now });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(path, { force: true });
    },
  };
});

describeSessionStoreContract("SqliteSessionStore (:memory:)", async (now) => {
  const store = new SqliteSessionStore({ path: ":memory:", now });
  return { store, cleanup: () => store.close() };
});
