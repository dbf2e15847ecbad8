import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, native } from "../core/index.js";
import { anthropic } from "../providers/anthropic/index.js";
import { startScriptedModelServer } from "../testing/index.js";
import { codingTools } from "../tools/builtin/index.js";
import { DEMO_FILES, DEMO_PROMPT, demoScript } from "./demo-script.js";
import { abortOnInterrupt, type CliIo } from "./io.js";
import { stdoutRenderer, wantsColor } from "./render.js";

/** Options of `arky demo`. */
export interface DemoOptions {
  /** Delay between streamed chunks, for a readable pace (default 12 ms; 0 in tests). */
  chunkDelayMs?: number;
  /** Keep the temporary folder and print its path. */
  keep?: boolean;
}

/**
 * Runs `arky demo`: a real agent run, offline. The model is Arky's scripted model server
 * on 127.0.0.1 (speaking the Anthropic Messages API to the real provider); the built-in
 * coding tools really run on a temporary folder. Returns the exit code.
 */
export async function demoCommand(io: CliIo, options: DemoOptions = {}): Promise<number> {
  const color = wantsColor(io);
  const dim = (t: string) => (color ? `\x1b[2m${t}\x1b[0m` : t);
  const bold = (t: string) => (color ? `\x1b[1m${t}\x1b[0m` : t);
  const folder = await mkdtemp(join(tmpdir(), "arky-demo-"));
  const server = await startScriptedModelServer({ script: demoScript(options.chunkDelayMs) });
  const controller = new AbortController();
  const stopListening = abortOnInterrupt(controller);
  try {
    for (const [name, content] of Object.entries(DEMO_FILES)) await writeFile(join(folder, name), content);
    const agent = new Agent({
      runtime: native(
        anthropic({ model: "claude-sonnet-5-5", apiKey: "scripted-demo-key", baseURL: server.baseUrl }),
      ),
      tools: await codingTools({ cwd: folder }),
      cwd: folder,
      // What the scripted fix needs, and no more: edits in the demo folder and the one check.
      permissions: { mode: "acceptEdits", allow: ["Bash(node check.mjs)"] },
    });
    io.stdout.write(
      `${bold("arky demo")} ${dim("· scripted model (offline: no API calls, no key) · real tools on a temporary folder")}\n`,
    );
    io.stdout.write(dim(`folder: ${folder}\n`));
    io.stdout.write(`${bold("you:")} ${DEMO_PROMPT}\n\n`);
    const render = stdoutRenderer(io);
    let failed = false;
    for await (const event of agent.stream(DEMO_PROMPT, { signal: controller.signal })) {
      render(event);
      if (event.type === "turn-end") failed = event.error !== undefined;
    }
    await agent.close();
    io.stdout.write(
      dim(
        '\nThe model was scripted; the tools, the event stream, the usage and the cost accounting were real.\nNext: set ANTHROPIC_API_KEY and try `npx arky run "…"`, or see README.md for the SDK.\n',
      ),
    );
    return failed ? 1 : 0;
  } finally {
    stopListening();
    await server.close();
    if (options.keep) io.stdout.write(dim(`kept: ${folder}\n`));
    else await rm(folder, { recursive: true, force: true });
  }
}
