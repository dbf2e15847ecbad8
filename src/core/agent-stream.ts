import { type AgentEvent, type AgentEventOf, ArkyError } from "../protocol/index.js";
import { EventQueue } from "../provider/index.js";
import { ConversationBuilder } from "../session/index.js";
import { turnOutcome } from "./agent-support.js";
import type { AgentResult, AgentStream } from "./agent-types.js";
import { FlatStream } from "./flat-stream.js";

/** How a turn ended for `result`: its result, or what `prompt()` rejects with (any `error` rejects). */
type Outcome = { result?: AgentResult; error?: unknown };

const noResult = () => new ArkyError({ code: "cancelled", message: "The turn ended without a result." });
const closedEarly = () =>
  new ArkyError({ code: "cancelled", message: "The stream was closed before its turn ended." });

/**
 * The {@link AgentStream} of one `Agent.stream()` call: the events of the Agent's batch
 * generator, watched batch by batch (never per event: this is the per-delta hot path) for
 * the turn's end, from which `result` settles.
 */
export class TurnStream implements AgentStream {
  readonly #flat: FlatStream<AgentEvent>;
  readonly #result: Promise<AgentResult>;
  #settle!: (outcome: Outcome) => void;
  #settled = false;
  /** Set once `result` was read: the stream then runs on its own and its events wait here. */
  #pump: EventQueue<AgentEvent> | undefined;
  #pumpFailure: { error: unknown } | undefined;

  constructor(batches: AsyncGenerator<readonly AgentEvent[], void, undefined>) {
    this.#result = new Promise<AgentResult>((resolve, reject) => {
      this.#settle = (outcome) => {
        if (this.#settled) return;
        this.#settled = true;
        if (outcome.result && outcome.error === undefined) resolve(outcome.result);
        else reject(outcome.error);
      };
    });
    // A caller who never reads `result` must not get an unhandled rejection for it.
    this.#result.catch(() => undefined);
    this.#flat = new FlatStream(this.#watch(batches));
  }

  get result(): Promise<AgentResult> {
    if (!this.#settled && !this.#pump) this.#startPump();
    return this.#result;
  }

  next(): Promise<IteratorResult<AgentEvent, void>> {
    const pump = this.#pump;
    if (!pump) return this.#flat.next();
    return pump.next().then((next) => {
      const failure = this.#pumpFailure;
      if (next.done && failure) {
        this.#pumpFailure = undefined;
        throw failure.error;
      }
      return next as IteratorResult<AgentEvent, void>;
    });
  }

  async return(): Promise<IteratorResult<AgentEvent, void>> {
    this.#pump?.return();
    await this.#flat.return();
    this.#settle({ error: closedEarly() });
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<AgentEvent, void>> {
    this.#pump?.return();
    try {
      return await this.#flat.throw(error);
    } finally {
      this.#settle({ error });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** Reads the stream to its end without keeping its events, and returns its result: `prompt()`. */
  async drain(): Promise<AgentResult> {
    while (!(await this.next()).done) {}
    return this.#result;
  }

  async *#watch(
    batches: AsyncGenerator<readonly AgentEvent[], void, undefined>,
  ): AsyncGenerator<readonly AgentEvent[], void, undefined> {
    // The turn's messages, from its own events: the Agent's conversation may be re-read from the store meanwhile.
    const conversation = new ConversationBuilder();
    let end: AgentEventOf<"turn-end"> | undefined;
    let failure: { error: unknown } | undefined;
    let completed = false;
    try {
      for await (const batch of batches) {
        for (const event of batch) {
          if (event.type === "message-delta") continue;
          conversation.add(event);
          if (event.type === "turn-end") end = event;
        }
        yield batch;
      }
      completed = true;
    } catch (error) {
      failure = { error };
      throw error;
    } finally {
      // Left early after its turn-end (a `break` on it), the turn is complete: its result stands.
      const unended = { error: completed ? noResult() : closedEarly() };
      this.#settle(failure ?? (end ? turnOutcome(end, conversation.build()) : unended));
    }
  }

  #startPump(): void {
    const pump = new EventQueue<AgentEvent>();
    this.#pump = pump;
    void (async () => {
      try {
        for (let next = await this.#flat.next(); !next.done; next = await this.#flat.next())
          pump.push(next.value);
      } catch (error) {
        this.#pumpFailure = { error };
      }
      pump.end();
    })();
  }
}
