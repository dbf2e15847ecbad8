/**
 * A real PostgreSQL for tests: `DATABASE_URL` when set, else a throwaway cluster started
 * from the server binaries (`initdb`, `postgres`) in a temp dir on a free 127.0.0.1 port,
 * removed afterwards. As root the binaries run as the `postgres` system user (initdb
 * refuses root). The server runs under a small shell that stops it when its stdin
 * closes, so the cluster dies with the test process even if that process is killed.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** Whether tests can get a PostgreSQL, and if not, how to enable them. */
export type PostgresAvailability = { available: true } | { available: false; reason: string };

/** A running PostgreSQL for tests. */
export interface TestPostgres {
  /** Connection string of a superuser. */
  url: string;
  /** Stops and removes a throwaway cluster (no-op for `DATABASE_URL`). */
  stop(): Promise<void>;
}

const ENABLE_HINT = "set DATABASE_URL or install PostgreSQL server binaries (apt-get install postgresql)";

function serverBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres"))) return dir;
  }
  return undefined;
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    // No such user: the caller reports PostgreSQL as unavailable.
    return undefined;
  }
}

/** Whether {@link startTestPostgres} can succeed here. */
export function postgresAvailability(): PostgresAvailability {
  if (process.env.DATABASE_URL) return { available: true };
  if (!serverBinDir()) return { available: false, reason: `no PostgreSQL found: ${ENABLE_HINT}` };
  if (process.getuid?.() === 0 && !systemUser("postgres")) {
    return { available: false, reason: `running as root without a postgres user: ${ENABLE_HINT}` };
  }
  return { available: true };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

/** Starts (or connects to) a PostgreSQL for the calling test file. */
export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const bin = serverBinDir();
  if (!bin) throw new Error(`No PostgreSQL: ${ENABLE_HINT}`);
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? systemUser("postgres") : undefined;
  const dir = mkdtempSync(join(tmpdir(), "arky-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const wrap = (command: string, args: string[]): [string, string[]] =>
    user ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", LC_ALL: "C" };

  const [initCommand, initArgs] = wrap(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--no-sync",
    "--locale=C",
  ]);
  try {
    execFileSync(initCommand, initArgs, { env, stdio: "pipe" });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const port = await freePort();
  const script = `"$1/postgres" -D "$2" -p "$3" -k "$4" -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB >"$4/server.log" 2>&1 &
pid=$!
read -r _line
kill -INT "$pid" 2>/dev/null
wait "$pid"
rm -rf "$4"`;
  const [shell, shellArgs] = wrap("sh", ["-c", script, "sh", bin, data, String(port), dir]);
  const server: ChildProcess = spawn(shell, shellArgs, { env, stdio: ["pipe", "ignore", "inherit"] });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = once(server, "exit");
      server.stdin?.end();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Belt and braces: closing stdin on exit stops the server even if stop() was skipped.
  process.once("exit", () => server.stdin?.destroy());

  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt > 300 || server.exitCode !== null) {
        await stop();
        throw new Error(`The test PostgreSQL did not start: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, stop };
}
