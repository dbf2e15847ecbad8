/**
 * `arky/postgres`: the {@link PostgresSessionStore}, for many processes sharing sessions
 * (`pg` pool, LISTEN/NOTIFY live tail).
 */
export { POSTGRES_MIGRATIONS } from "./postgres-migrations.js";
export {
  PostgresSessionStore,
  type PostgresSessionStoreOptions,
  type PostgresTailOptions,
} from "./postgres-session-store.js";
