import { ArkyError, classifyHttpError, type HttpErrorInput } from "../../protocol/index.js";
import { ANTHROPIC_HINTS } from "./anthropic-error.js";
import { sdkRequestHeaders } from "./anthropic-headers.js";
import { httpPost, type PostResponse } from "./http-post.js";

/** What decides a Messages endpoint: the credentials, the origin and the extra headers. */
export interface EndpointConfig {
  apiKey: string;
  baseURL: string | undefined;
  headers: Record<string, string> | undefined;
}

/** The URL and headers of a Messages API request, as the official SDK builds them. */
export interface MessagesEndpoint {
  url: URL;
  headers: Record<string, string>;
}

/** A streaming answer whose status was 2xx. */
export interface MessagesResponse {
  body: AsyncIterable<Uint8Array>;
  headers: HttpErrorInput["headers"];
}

/**
 * The URL and headers of `POST /v1/messages` (auth, API version, user agent, platform and
 * default headers, base URL) exactly as the official SDK sends them. Only the SDK's
 * per-call pipeline is skipped: on a loop of short calls, rebuilding headers and wrapping
 * the request cost more than the rest of the call.
 */
export function messagesEndpoint(config: EndpointConfig): MessagesEndpoint {
  return sdkRequestHeaders(config.apiKey, config.baseURL, config.headers);
}

/**
 * Posts one streaming Messages request, through `fetchImpl` when one is given, else on
 * Node's own HTTP client. A non-2xx answer is read and thrown as the ArkyError
 * {@link classifyHttpError} gives for its status, body and headers.
 */
export async function postMessages(
  endpoint: MessagesEndpoint,
  body: string,
  signal: AbortSignal,
  fetchImpl: typeof globalThis.fetch | undefined,
): Promise<MessagesResponse> {
  const response = fetchImpl
    ? await fetchPost(fetchImpl, endpoint, body, signal)
    : await httpPost(endpoint.url, endpoint.headers, body, signal);
  const { status, headers } = response;
  if (status >= 200 && status < 300) return { body: response.body, headers };
  if (status >= 300 && status < 400)
    throw new ArkyError({
      code: "configuration",
      message: `The Anthropic API base URL answered with a redirect (${status} from ${endpoint.url.origin}).`,
      correction: "Set `baseURL` (or ANTHROPIC_BASE_URL) to the address the redirect points to.",
      details: { provider: "anthropic", httpStatus: status },
    });
  // A body cut off mid-read still leaves the status to classify the error by.
  const errorText = await response.text().catch(() => "");
  throw classifyHttpError({
    status,
    body: parseBody(errorText),
    headers,
    provider: "anthropic",
    hints: ANTHROPIC_HINTS,
  });
}

/** The same request through a `fetch`, answered in {@link httpPost}'s shape. */
async function fetchPost(
  fetchImpl: typeof globalThis.fetch,
  endpoint: MessagesEndpoint,
  body: string,
  signal: AbortSignal,
): Promise<PostResponse> {
  const response = await fetchImpl(endpoint.url, {
    method: "POST",
    headers: endpoint.headers,
    body,
    signal,
    redirect: "manual",
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: response.body ?? emptyBody(),
    text: () => response.text(),
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON: classified from the raw text
  }
}
