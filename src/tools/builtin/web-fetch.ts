import TurndownService from "turndown";
import { z } from "zod";
import { ArkyError } from "../../protocol/index.js";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import { capHead, type ToolLimits } from "./limits.js";

const inputSchema = z.object({
  url: z.string().describe("An http:// or https:// URL."),
});

/**
 * `web_fetch`: GETs a URL and returns HTML as Markdown, other text as is. Follows at most
 * `fetchMaxRedirects` redirects, each to http(s) only; the body is capped at
 * `fetchMaxBytes` and the whole fetch at `fetchTimeoutMs`. Not read-only: it sends the URL out,
 * so the guard asks unless a rule (`WebFetch(domain:…)`) or mode allows it.
 */
export function webFetchTool({ limits }: { limits: ToolLimits }): Tool {
  return tool({
    name: "web_fetch",
    description:
      "Fetch a web page (http or https) and return it as Markdown (HTML) or plain text. Binary content is refused.",
    input: inputSchema,
    readOnly: false,
    concurrencySafe: true,
    timeoutMs: limits.fetchTimeoutMs + 5000,
    execute: async ({ url }, { signal }) => {
      const timeout = AbortSignal.timeout(limits.fetchTimeoutMs);
      const combined = AbortSignal.any([signal, timeout]);
      try {
        const { response, finalUrl } = await follow(url, limits.fetchMaxRedirects, combined);
        const type = response.headers.get("content-type") ?? "";
        if (!isText(type)) {
          await response.body?.cancel();
          throw fetchError(`${finalUrl} returned ${type || "no content type"}, which is not text.`);
        }
        const { text, truncated } = await readCapped(response, limits.fetchMaxBytes);
        const body = type.includes("html") ? toMarkdown(text) : text;
        const header = `${finalUrl} (HTTP ${response.status})\n\n`;
        const note = truncated ? `\n[body truncated at ${limits.fetchMaxBytes} bytes]` : "";
        return {
          content: [{ type: "text", text: capHead(header + body, limits.maxOutputChars) + note }],
          isError: !response.ok,
        };
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (timeout.aborted)
          throw new ArkyError({
            code: "tool-timeout",
            message: `Fetching ${url} took longer than ${limits.fetchTimeoutMs} ms.`,
          });
        if (ArkyError.isArkyError(error)) throw error;
        throw fetchError(`Fetching ${url} failed: ${(error as Error).message}`, error);
      }
    },
  });
}

async function follow(
  url: string,
  maxRedirects: number,
  signal: AbortSignal,
): Promise<{ response: Response; finalUrl: string }> {
  let current = checkedUrl(url);
  for (let hops = 0; ; hops++) {
    const response = await fetch(current, {
      redirect: "manual",
      signal,
      headers: { accept: "text/html, text/markdown, text/plain, application/json;q=0.9, */*;q=0.1" },
    });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location)
      return { response, finalUrl: current.href };
    await response.body?.cancel();
    if (hops >= maxRedirects) throw fetchError(`${url} redirected more than ${maxRedirects} times.`);
    current = checkedUrl(new URL(location, current).href);
  }
}

function checkedUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fetchError(`${JSON.stringify(raw)} is not a valid URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw fetchError(`Only http and https URLs can be fetched, not ${url.protocol}.`);
  return url;
}

function isText(type: string): boolean {
  const t = type.toLowerCase();
  return t === "" || t.startsWith("text/") || /json|xml|javascript|markdown/.test(t);
}

async function readCapped(
  response: Response,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: "", truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of response.body) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > maxBytes) {
      truncated = true;
      // The rest of the body is not wanted; a failed cancel only means it already ended.
      await response.body.cancel().catch(() => {});
      break;
    }
  }
  const bytes = Buffer.concat(chunks).subarray(0, maxBytes);
  return { text: new TextDecoder().decode(bytes), truncated };
}

function toMarkdown(html: string): string {
  const service = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced" });
  service.remove(["script", "style", "noscript"]);
  return service.turndown(html);
}

function fetchError(message: string, cause?: unknown): ArkyError {
  return new ArkyError({ code: "tool-execution", message, cause });
}
