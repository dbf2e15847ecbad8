// `npx tsx bench/sse-line.ts`: CPU to parse one long SSE line arriving in 64 KiB chunks, at
// 1 MiB and 15 MiB. A linear parser costs at most ~15x more for the longer line; a quadratic one ~200x.
import { SseParser } from "../src/providers/anthropic/sse-parser.js";

const chunk = "x".repeat(64 * 1024);
const cost = (mib: number): number => {
  const parser = new SseParser(() => undefined);
  const start = process.cpuUsage();
  parser.feed("data: ");
  for (let i = 0; i < mib * 16; i++) parser.feed(chunk);
  parser.feed("\n\n");
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
cost(1); // warm-up
const small = cost(1);
const large = cost(15);
console.log(
  `1 MiB line: ${small.toFixed(1)} ms CPU; 15 MiB line: ${large.toFixed(1)} ms CPU; ratio ${(large / small).toFixed(1)}x (linear: at most ~15x)`,
);
