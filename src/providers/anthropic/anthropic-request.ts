import Anthropic from "@anthropic-ai/sdk";
import { classifyHttpError } from "../../protocol/index.js";

/** What decides a Messages endpoint: the credentials, the origin and the extra headers. */
export interface EndpointConfig {
  apiKey: string;
  baseURL: string | undefined;
  headers: Record<string, string> | undefined;
}

/** The URL and headers of a Messages API request, as the official SDK builds them. */
export interface MessagesEndpoint {
  url: string;
  headers: Headers;
}

// Agents are often built per request; the SDK client behind an endpoint costs more to
// construct than a model call's own work, so endpoints are shared by configuration.
const MAX_CACHED = 32;
const endpoints = new Map<string, Promise<MessagesEndpoint>>();

/**
 * The URL and headers of `POST /v1/messages` (auth, API version, user agent, platform and
 * default headers, base URL) exactly as the official SDK sends them, asked of the SDK
 * once per configuration. Only the SDK's per-call pipeline is skipped: on a loop of short
 * calls, rebuilding headers and wrapping the fetch cost more than the rest of the call.
 */
export function messagesEndpoint(config: EndpointConfig): Promise<MessagesEndpoint> {
  const key = JSON.stringify([config.apiKey, config.baseURL ?? null, config.headers ?? null]);
  let endpoint = endpoints.get(key);
  if (endpoint) return endpoint;
  endpoint = resolve(config);
  endpoint.catch(() => endpoints.delete(key));
  if (endpoints.size >= MAX_CACHED) endpoints.delete(endpoints.keys().next().value as string);
  endpoints.set(key, endpoint);
  return endpoint;
}

async function resolve(config: EndpointConfig): Promise<MessagesEndpoint> {
  const client = new Anthropic({
    apiKey: config.apiKey,
    authToken: null,
    baseURL: config.baseURL ?? null,
    maxRetries: 0,
    defaultHeaders: config.headers,
    logLevel: "off",
  });
  const { req, url } = await client.buildRequest({ method: "post", path: "/v1/messages", body: {} });
  return { url, headers: new Headers(req.headers as ConstructorParameters<typeof Headers>[0]) };
}

/**
 * Posts one streaming Messages request. A non-2xx answer is read and thrown as the
 * ArkyError {@link classifyHttpError} gives for its status, body and headers.
 */
export async function postMessages(
  endpoint: MessagesEndpoint,
  body: string,
  signal: AbortSignal,
  fetchImpl: typeof globalThis.fetch,
): Promise<Response> {
  const response = await fetchImpl(endpoint.url, {
    method: "POST",
    headers: endpoint.headers,
    body,
    signal,
  });
  if (response.ok) return response;
  const text = await response.text().catch(() => "");
  throw classifyHttpError({
    status: response.status,
    body: parseBody(text),
    headers: response.headers,
    provider: "anthropic",
  });
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
