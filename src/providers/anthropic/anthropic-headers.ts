/**
 * The official SDK's version, as its user agent reports it. Not imported from the SDK
 * (loading even its version module costs milliseconds at import); the header test fails
 * when the installed SDK moves on.
 */
const VERSION = "1.12.0";
/** The Messages API version the official SDK pins (its `anthropic-version` header). */
const API_VERSION = "2026-10-21";
/** The SDK's per-request timeout, in seconds (its `x-stainless-timeout` header). */
const TIMEOUT_SECONDS = 600;

/**
 * The URL and headers of `POST /v1/messages` for an API key, built as the official SDK
 * builds them (`client.buildRequest`) without loading the SDK: importing it costs more
 * than the rest of `arky/anthropic`. Names are lowercase; a later source overrides an
 * earlier one, as in the SDK. test/anthropic/anthropic-request.test.ts compares them
 * with what the SDK's `messages.create` sends.
 */
export function sdkRequestHeaders(
  apiKey: string,
  baseURL: string | undefined,
  extra: Record<string, string> | undefined,
): { url: URL; headers: Record<string, string> } {
  const base = baseURL || "https://api.anthropic.com";
  const url = new URL(`${base}${base.endsWith("/") ? "v1/messages" : "/v1/messages"}`);
  const merged: Record<string, string> = {
    accept: "application/json",
    "user-agent": `Anthropic/JS ${VERSION}`,
    "x-stainless-retry-count": "0",
    "x-stainless-timeout": String(TIMEOUT_SECONDS),
    ...platformHeaders(),
    "anthropic-version": API_VERSION,
    authorization: `Bearer ${apiKey}`,
  };
  if (extra) for (const [name, value] of Object.entries(extra)) merged[name.toLowerCase()] = value;
  merged["content-type"] = "application/json";
  const headers: Record<string, string> = {};
  for (const name of Object.keys(merged).sort()) headers[name] = merged[name] as string;
  return { url, headers };
}

function platformHeaders(): Record<string, string> {
  return {
    "x-stainless-lang": "js",
    "x-stainless-package-version": VERSION,
    "x-stainless-os": normalizePlatform(process.platform ?? "unknown"),
    "x-stainless-arch": normalizeArch(process.arch ?? "unknown"),
    "x-stainless-runtime": "node",
    "x-stainless-runtime-version": process.version ?? "unknown",
  };
}

function normalizeArch(arch: string): string {
  if (arch === "x32") return "x32";
  if (arch === "x86_64" || arch === "x64") return "x64";
  if (arch === "arm") return "arm";
  if (arch === "aarch64" || arch === "arm64") return "arm64";
  return arch ? `other:${arch}` : "unknown";
}

const PLATFORMS: Record<string, string> = {
  android: "Android",
  darwin: "MacOS",
  win32: "Windows",
  freebsd: "FreeBSD",
  openbsd: "OpenBSD",
  linux: "Linux",
};

function normalizePlatform(name: string): string {
  const platform = name.toLowerCase();
  if (platform.includes("ios")) return "iOS";
  return PLATFORMS[platform] ?? (platform ? `Other:${platform}` : "Unknown");
}
