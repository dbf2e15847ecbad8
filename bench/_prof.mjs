import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startScriptedModelServer } from "arky/testing";
import { SCENARIOS } from "./scenarios.mjs";

const [variant, scenario, mode] = process.argv.slice(2);
const steps = SCENARIOS[scenario].script();
let next = 0;
const server = await startScriptedModelServer({ script: () => steps[next++ % steps.length] });
const { stdout: out } = await promisify(execFile)(process.execPath, [
  "--cpu-prof",
  "--cpu-prof-dir=/tmp/prof-run",
  "bench/worker.mjs",
  variant,
  scenario,
  server.baseUrl,
  mode,
]);
console.log(out.toString());
await server.close();
