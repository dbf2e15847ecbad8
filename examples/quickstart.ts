import { Agent, native, tool } from "arky";
import { anthropic } from "arky/anthropic";
import { z } from "zod";

const weather = tool({
  name: "get_weather",
  description: "Current weather for a city",
  input: z.object({ city: z.string() }),
  readOnly: true,
  execute: async ({ city }) => `Sunny and 21 °C in ${city}`,
});

const agent = new Agent({
  runtime: native(anthropic({ model: "claude-sonnet-5-5" }), { system: "Be brief." }),
  tools: [weather],
});

// One call, one result.
const result = await agent.prompt("What's the weather in Lisbon?");
console.log(result.text, result.usage, result.costUsd);

// Or stream every event of the next turn (same conversation); `break` cancels it.
for await (const event of agent.stream("And in Porto?")) {
  if (event.type === "message-delta" && event.delta.kind === "text") process.stdout.write(event.delta.text);
  if (event.type === "tool-execution-start") console.log(`\n→ ${event.toolName}`, event.input);
  if (event.type === "turn-end") console.log(`\n${event.stopReason.unified}, $${event.costUsd?.toFixed(4)}`);
}
