import {
  type Agent,
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";

/** What {@link httpPost} resolves with once the response headers are in. */
export interface PostResponse {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string | undefined>;
  /** The body, chunk by chunk. Iterate it to the end, or abort the request's signal. */
  body: AsyncIterable<Uint8Array>;
  /** Reads the whole body as text (for error answers). */
  text(): Promise<string>;
}

interface Transport {
  agent: Agent;
  request(url: URL, options: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest;
}

// One keep-alive pool per scheme for the process. Idle pooled sockets are unref'd by Node,
// so they never keep a process alive, and are dropped when the server's keep-alive hint expires.
// `node:https` (TLS) loads on the first https request: it alone costs a noticeable part of
// importing `arky/anthropic`, and a local gateway never needs it.
let http: Transport | undefined;
let https: Transport | undefined;

async function loadHttps(): Promise<Transport> {
  const { Agent, request } = await import("node:https");
  https ??= { agent: new Agent({ keepAlive: true }), request };
  return https;
}

/**
 * POSTs a body with `node:http(s)` on a keep-alive pool: per request this costs a fraction
 * of what `fetch` does (no WHATWG request/response objects or body copies), which shows on
 * an agent loop of many short model calls. No redirects are followed and no compression is
 * asked for. Aborting `signal` destroys the request (before or after the headers).
 */
export async function httpPost(
  url: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<PostResponse> {
  const secure = url.protocol === "https:";
  if (!secure) http ??= { agent: new HttpAgent({ keepAlive: true }), request: httpRequest };
  const { agent, request } = secure ? (https ?? (await loadHttps())) : (http as Transport);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        signal,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (res) =>
        resolve({
          status: res.statusCode ?? 0,
          // Only set-cookie is an array in Node's parsed headers, and no caller reads it.
          headers: res.headers as Record<string, string | undefined>,
          body: res,
          async text() {
            res.setEncoding("utf8");
            let text = "";
            for await (const chunk of res) text += chunk;
            return text;
          },
        }),
    );
    req.once("error", reject);
    req.end(body);
  });
}
