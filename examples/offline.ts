// The quickstart, runnable without an API key: the model is Arky's scripted model server
// on 127.0.0.1, speaking the Anthropic Messages API to the real provider.
// Run: npm run build && npx tsx examples/offline.ts (or node examples/offline.ts on Node 22.18+)
import { Agent, native, tool } from "arky";
import { anthropic } from "arky/anthropic";
import { startScriptedModelServer, textReply, toolCallReply } from "arky/testing";
import { z } from "zod";

const server = await startScriptedModelServer({
  script: [toolCallReply("get_weather", { city: "Lisbon" }), textReply("It is sunny and 21 °C in Lisbon.")],
});

const weather = tool({
  name: "get_weather",
  description: "Current weather for a city",
  input: z.object({ city: z.string() }),
  readOnly: true,
  execute: async ({ city }) => `Sunny and 21 °C in ${city}`,
});

const agent = new Agent({
  runtime: native(anthropic({ model: "claude-sonnet-5-5", apiKey: "offline", baseURL: server.baseUrl })),
  tools: [weather],
});
const result = await agent.prompt("What's the weather in Lisbon?");
console.log(result.text);
console.log(
  `${result.usage.inputTokens} in, ${result.usage.outputTokens} out, $${result.costUsd?.toFixed(6)}`,
);
await server.close();
