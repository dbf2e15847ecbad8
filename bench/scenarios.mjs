// The benchmark scenarios: the same scripted model answers for Arky and for the raw baseline.

/** Ten tool turns, then an answer. */
function tools10() {
  const steps = [];
  for (let i = 0; i < 10; i++) {
    steps.push({
      content: [
        { type: "text", text: `Step ${i}: adding.`, chunks: 3 },
        { type: "tool-use", name: "add", input: { a: i, b: 1 }, id: `toolu_${i}` },
      ],
      usage: { inputTokens: 200 + i * 40, outputTokens: 30 },
    });
  }
  steps.push({
    content: [{ type: "text", text: "All ten steps are done.", chunks: 4 }],
    usage: { inputTokens: 700, outputTokens: 12 },
  });
  return steps;
}

export const SCENARIOS = {
  text1: {
    iterations: 200,
    script: () => [{ content: [{ type: "text", text: "Hello! How can I help you today?", chunks: 6 }] }],
  },
  tools10: { iterations: 40, script: tools10 },
  stream10k: {
    iterations: 12,
    script: () => [{ content: [{ type: "text", text: "x".repeat(10_000), chunks: 10_000 }] }],
  },
};

/** Model steps one iteration of a scenario consumes. */
export function stepsPerIteration(name) {
  return SCENARIOS[name].script().length;
}
