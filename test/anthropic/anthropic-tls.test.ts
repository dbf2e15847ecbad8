import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropic } from "../../src/providers/anthropic/index.js";
import { collect, hello } from "./helpers.js";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// A throwaway self-signed certificate, made for this run only (no key is kept in the repo).
describe.runIf(hasOpenssl())("AnthropicProvider over https (needs the openssl command)", () => {
  let dir: string;
  let server: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "arky-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]),
      { stdio: "ignore" },
    );
    server = createServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (req, res) => {
        requests++;
        req.resume();
        res.writeHead(500).end();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an untrusted certificate with a classified, non-retryable connection error", async () => {
    const provider = anthropic({ model: "m", apiKey: "sk-tls", baseURL: `https://127.0.0.1:${port}` });
    const last = (await collect(provider.stream(hello))).at(-1);
    expect(last?.type).toBe("error");
    if (last?.type !== "error") return;
    expect(last.error.code).toBe("connection");
    expect(last.error.retryable).toBe(false);
    expect(last.error.message).toMatch(/TLS certificate/);
    expect(last.error.correction).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(requests).toBe(0);
  });
});
