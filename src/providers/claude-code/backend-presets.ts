/**
 * What a Claude-compatible backend needs the CLI to start with: environment variables
 * (base URL, auth token, model names, provider switches).
 */
export interface BackendPreset {
  /** A short name for messages and docs. */
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Options shared by the gateway-style presets (an Anthropic-compatible base URL). */
export interface GatewayOptions {
  /** The API key or token, sent as a bearer token (`ANTHROPIC_AUTH_TOKEN`). */
  apiKey: string;
  /** Overrides the preset's base URL (a proxy, a self-hosted gateway, a test server). */
  baseUrl?: string;
  /** Main model id (`ANTHROPIC_MODEL`). */
  model?: string;
  /** Model for quick background work (`ANTHROPIC_SMALL_FAST_MODEL`, `ANTHROPIC_DEFAULT_HAIKU_MODEL`). */
  smallModel?: string;
}

function gateway(name: string, defaultBaseUrl: string, defaults: { model?: string; smallModel?: string }) {
  return (options: GatewayOptions): BackendPreset => {
    const model = options.model ?? defaults.model;
    const smallModel = options.smallModel ?? defaults.smallModel ?? model;
    const env: Record<string, string> = {
      ANTHROPIC_BASE_URL: options.baseUrl ?? defaultBaseUrl,
      ANTHROPIC_AUTH_TOKEN: options.apiKey,
      // An empty key makes the CLI use the bearer token instead of a host's Anthropic key.
      ANTHROPIC_API_KEY: "",
    };
    if (model) {
      env.ANTHROPIC_MODEL = model;
      env.ANTHROPIC_DEFAULT_OPUS_MODEL = model;
      env.ANTHROPIC_DEFAULT_SONNET_MODEL = model;
    }
    if (smallModel) {
      env.ANTHROPIC_SMALL_FAST_MODEL = smallModel;
      env.ANTHROPIC_DEFAULT_HAIKU_MODEL = smallModel;
    }
    return { name, env };
  };
}

/** Amazon Bedrock through the AWS credentials chain (or a Bedrock API key). */
export function bedrock(options: {
  region: string;
  /** A Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`); otherwise the AWS credentials in `env`/profile. */
  apiKey?: string;
  /** AWS profile name (`AWS_PROFILE`). */
  profile?: string;
  model?: string;
  smallModel?: string;
  /** Endpoint override (a VPC endpoint or a gateway). */
  baseUrl?: string;
}): BackendPreset {
  const env: Record<string, string> = { CLAUDE_CODE_USE_BEDROCK: "1", AWS_REGION: options.region };
  if (options.apiKey) env.AWS_BEARER_TOKEN_BEDROCK = options.apiKey;
  if (options.profile) env.AWS_PROFILE = options.profile;
  if (options.model) env.ANTHROPIC_MODEL = options.model;
  if (options.smallModel) env.ANTHROPIC_SMALL_FAST_MODEL = options.smallModel;
  if (options.baseUrl) env.ANTHROPIC_BEDROCK_BASE_URL = options.baseUrl;
  return { name: "bedrock", env };
}

/** Google Vertex AI through Google application-default credentials. */
export function vertex(options: {
  projectId: string;
  region: string;
  model?: string;
  smallModel?: string;
  baseUrl?: string;
}): BackendPreset {
  const env: Record<string, string> = {
    CLAUDE_CODE_USE_VERTEX: "1",
    ANTHROPIC_VERTEX_PROJECT_ID: options.projectId,
    CLOUD_ML_REGION: options.region,
  };
  if (options.model) env.ANTHROPIC_MODEL = options.model;
  if (options.smallModel) env.ANTHROPIC_SMALL_FAST_MODEL = options.smallModel;
  if (options.baseUrl) env.ANTHROPIC_VERTEX_BASE_URL = options.baseUrl;
  return { name: "vertex", env };
}

/**
 * Presets for Claude-compatible backends. Pass one as `backend` to `claudeCode()`.
 *
 * @example
 * claudeCode({ backend: claudeCodeBackends.openrouter({ apiKey, model: "anthropic/claude-sonnet-4.5" }) })
 */
export const claudeCodeBackends = {
  bedrock,
  vertex,
  openrouter: gateway("openrouter", "https://openrouter.ai/api", {}),
  vercelAiGateway: gateway("vercel-ai-gateway", "https://ai-gateway.vercel.sh", {}),
  ollama: (options: Partial<GatewayOptions> & { model: string }): BackendPreset =>
    gateway("ollama", "http://localhost:11434", {})({ apiKey: "ollama", ...options }),
  zai: gateway("zai", "https://api.z.ai/api/anthropic", { model: "glm-4.6", smallModel: "glm-4.5-air" }),
  moonshot: gateway("moonshot", "https://api.moonshot.ai/anthropic", {
    model: "kimi-k2-turbo-preview",
    smallModel: "kimi-k2-turbo-preview",
  }),
  minimax: gateway("minimax", "https://api.minimax.io/anthropic", {
    model: "MiniMax-M2",
    smallModel: "MiniMax-M2",
  }),
} as const;
