import { ArkyError } from "../protocol/index.js";
import type { RecordedRequest, Script, ScriptStep } from "./script.js";

/** Hands out a script's steps one model call at a time. */
export class ScriptCursor {
  readonly #steps: ScriptStep[] | undefined;
  readonly #choose: ((request: RecordedRequest, index: number) => ScriptStep) | undefined;
  #index = 0;

  constructor(script: Script) {
    if (typeof script === "function") this.#choose = script;
    else if (Array.isArray(script)) this.#steps = [...script];
    else
      throw new ArkyError({
        code: "configuration",
        message: "The script must be an array of steps or a function returning a step.",
      });
  }

  /** Steps not yet taken; Infinity for a function script. */
  get remaining(): number {
    return this.#steps ? this.#steps.length - this.#index : Number.POSITIVE_INFINITY;
  }

  /** Appends steps (array scripts only). */
  push(steps: ScriptStep[]): void {
    if (!this.#steps)
      throw new ArkyError({
        code: "configuration",
        message: "push() needs an array script; this server was given a function.",
      });
    this.#steps.push(...steps);
  }

  /** The next step, or why there is none. */
  next(request: RecordedRequest): { step: ScriptStep } | { problem: string } {
    const index = this.#index;
    if (this.#steps) {
      const step = this.#steps[index];
      if (!step) return { problem: `the script is exhausted (all ${this.#steps.length} step(s) used)` };
      this.#index++;
      return { step };
    }
    this.#index++;
    try {
      return { step: this.#choose!(request, index) };
    } catch (error) {
      return { problem: `the script function threw on call #${index}: ${String(error)}` };
    }
  }
}
