import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToolCallGuard } from "../../src/permissions/index.js";
import { harness, tempDir, textOf } from "./helpers.js";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const hops = Number(url.searchParams.get("n") ?? 0);
    switch (url.pathname) {
      case "/page":
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(
          "<html><head><script>alert(1)</script><style>p{}</style></head><body><h1>Title</h1>" +
            "<p>Some <strong>bold</strong> and a <a href='/x'>link</a>.</p><pre><code>code()</code></pre></body></html>",
        );
      case "/json":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"ok":true}');
      case "/big":
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("y".repeat(5000));
      case "/binary":
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return res.end(Buffer.alloc(10));
      case "/missing":
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("not here");
      case "/redirect":
        res.writeHead(302, { location: hops > 0 ? `/redirect?n=${hops - 1}` : "/json" });
        return res.end();
      case "/to-file":
        res.writeHead(302, { location: "file:///etc/passwd" });
        return res.end();
      case "/hang":
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("partial");
        return; // never ends
      default:
        res.writeHead(500);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("web_fetch", () => {
  it("sends data out, so it needs permission unless a rule allows it", async () => {
    const { registry } = await harness({ cwd: await tempDir() });
    const readOnly = registry.get("web_fetch")?.readOnly ?? true;
    const call = { toolCallId: "t1", toolName: "web_fetch", input: { url: `${base}/page` }, readOnly };
    const signal = new AbortController().signal;
    const asked = await createToolCallGuard().beforeToolCall(call, signal);
    expect(asked).toMatchObject({
      decision: "deny",
      reason: expect.stringContaining("permissions: { allow: ["),
    });
    const planned = await createToolCallGuard({ permissions: { mode: "plan" } }).beforeToolCall(call, signal);
    expect(planned.decision).toBe("deny");
    const allowed = createToolCallGuard({ permissions: { allow: ["WebFetch(domain:127.0.0.1)"] } });
    expect((await allowed.beforeToolCall(call, signal)).decision).toBe("allow");
  });

  it("turns HTML into Markdown without scripts or styles", async () => {
    const { call } = await harness({ cwd: await tempDir() });
    const text = textOf(await call("web_fetch", { url: `${base}/page` }));
    expect(text).toBe(
      `${base}/page (HTTP 200)\n\n# Title\n\nSome **bold** and a [link](/x).\n\n\`\`\`\ncode()\n\`\`\``,
    );
  });

  it("returns other text as is and marks HTTP errors", async () => {
    const { call } = await harness({ cwd: await tempDir() });
    expect(textOf(await call("web_fetch", { url: `${base}/json` }))).toBe(
      `${base}/json (HTTP 200)\n\n{"ok":true}`,
    );
    const missing = await call("web_fetch", { url: `${base}/missing` });
    expect(missing.result.isError).toBe(true);
    expect(textOf(missing)).toContain("(HTTP 404)");
  });

  it("follows a bounded number of redirects, to http(s) only", async () => {
    const { call } = await harness({ cwd: await tempDir(), limits: { fetchMaxRedirects: 3 } });
    expect(textOf(await call("web_fetch", { url: `${base}/redirect?n=2` }))).toBe(
      `${base}/json (HTTP 200)\n\n{"ok":true}`,
    );
    const tooMany = await call("web_fetch", { url: `${base}/redirect?n=3` });
    expect(tooMany.error?.code).toBe("tool-execution");
    expect(textOf(tooMany)).toMatch(/redirected more than 3 times/);
    const toFile = await call("web_fetch", { url: `${base}/to-file` });
    expect(textOf(toFile)).toMatch(/Only http and https URLs can be fetched, not file:/);
  });

  it("refuses other schemes, bad URLs and binary bodies", async () => {
    const { call } = await harness({ cwd: await tempDir() });
    for (const [url, message] of [
      ["file:///etc/passwd", /Only http and https/],
      ["ftp://127.0.0.1/x", /Only http and https/],
      ["not a url", /is not a valid URL/],
      [`${base}/binary`, /not text/],
    ] as const) {
      const outcome = await call("web_fetch", { url });
      expect(outcome.result.isError, url).toBe(true);
      expect(textOf(outcome), url).toMatch(message);
    }
  });

  it("caps the body and says so", async () => {
    const { call } = await harness({ cwd: await tempDir(), limits: { fetchMaxBytes: 1000 } });
    const text = textOf(await call("web_fetch", { url: `${base}/big` }));
    expect(text).toContain("[body truncated at 1000 bytes]");
    expect(text).toMatch(/\n\ny{1000}\n\[body truncated/);
  });

  it("times out a server that never finishes", async () => {
    const { call } = await harness({ cwd: await tempDir(), limits: { fetchTimeoutMs: 300 } });
    const outcome = await call("web_fetch", { url: `${base}/hang` });
    expect(outcome.error?.code).toBe("tool-timeout");
  });
});
