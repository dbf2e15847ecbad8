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
const stream = agent.stream("And in Porto?");
for await (const event of stream) {
  if (event.type === "message-delta" && event.delta.kind === "text") process.stdout.write(event.delta.text);
  if (event.type === "tool-execution-start") console.log(`\n→ ${event.toolName}`, event.input);
}
// Then its result, as prompt() gives it (it rejects when the turn failed).
const { stopReason, costUsd } = await stream.result;
console.log(`\n${stopReason.unified}, $${costUsd?.toFixed(4)}`);
