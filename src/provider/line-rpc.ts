import { JsonLineProcess, type JsonLineProcessOptions, type ProcessExit } from "../process/index.js";
import { ArkyError, cancelledError } from "../protocol/index.js";

/** What a response carries: a value, or an already classified error. */
export type RpcOutcome = { ok: true; value: unknown } | { ok: false; error: ArkyError };

/**
 * Where a protocol puts the correlation id (JSON-RPC's `id`; the `request_id` of Claude
 * Code's `control_request`/`control_response` lines). The rest of correlation is shared.
 */
export interface RpcFraming<In, Id> {
  /** The id of the n-th request (n counts from 1). */
  id(n: number): Id;
  /** The line that carries a request. */
  request(id: Id, method: string, params: unknown): unknown;
  /** The id a message answers, or undefined when it is not a response. */
  responseTo(message: In): Id | undefined;
  /** What a response carries; `method` is the one of the request it answers. */
  outcome(message: In, method: string): RpcOutcome;
}

/** What {@link LineRpc} reports to its owner. Callbacks must not throw. */
export interface LineRpcHandlers<In> {
  /** A line that is not a response: a notification, a request of the peer, an event. */
  onMessage(message: In): void;
  /** A line that could not be used (not JSON, wrong shape, an answer to no pending request). */
  onProtocolError(error: ArkyError): void;
  /** The process ended; pending requests have already been rejected. */
  onExit(exit: ProcessExit): void;
}

/** Options of {@link LineRpc.start}: a JSON-lines process plus how requests are correlated. */
export interface LineRpcOptions<In, Id>
  extends Omit<JsonLineProcessOptions<In>, "onMessage" | "onProtocolError" | "onExit"> {
  /** The peer as named in the messages of request errors ("Codex", "claude"). */
  peer: string;
  framing: RpcFraming<In, Id>;
  /** Default timeout of a request, in milliseconds. */
  timeoutMs: number;
  /** Added to the details of the errors made here (e.g. `{ provider: "codex" }`). */
  details?: Record<string, unknown>;
  /** Gives an unexpected exit a clearer error from what the process said (its stderr). */
  explainExit?(exit: ProcessExit): ProcessExit;
}

type Delivery<In> = { message: In } | { error: ArkyError } | { exit: ProcessExit };

/**
 * Requests and responses correlated by id over one JSON-lines process, shared by the CLI
 * runtimes: numbered requests with a timeout (`timeout`) and a signal (`cancelled`),
 * answers to no pending request reported as `protocol` errors, other lines handed to the
 * owner — those that arrive before it {@link attach}es wait for it. A process exit rejects
 * every pending and later request with a `process-exited` error.
 */
export class LineRpc<In, Id extends string | number> {
  /** The process, for writing lines that expect no answer, closing and killing it. */
  readonly process: JsonLineProcess<In>;
  readonly #options: LineRpcOptions<In, Id>;
  readonly #pending = new Map<Id, { method: string; settle: (outcome: RpcOutcome) => void }>();
  #handlers: LineRpcHandlers<In> | undefined;
  #early: Delivery<In>[] = [];
  #count = 0;
  #exitError: ArkyError | undefined;

  private constructor(process: JsonLineProcess<In>, options: LineRpcOptions<In, Id>, early: Delivery<In>[]) {
    this.process = process;
    this.#options = options;
    this.#early = early;
  }

  /** Spawns the process. Rejects with `executable-not-found` when it cannot run. */
  static async start<In, Id extends string | number>(
    options: LineRpcOptions<In, Id>,
  ): Promise<LineRpc<In, Id>> {
    let self: LineRpc<In, Id> | undefined;
    const early: Delivery<In>[] = [];
    const deliver = (item: Delivery<In>) => (self ? self.#deliver(item) : early.push(item));
    const process = await JsonLineProcess.start<In>({
      ...options,
      onMessage: (message) => deliver({ message }),
      onProtocolError: (error) => deliver({ error }),
      onExit: (exit) => deliver({ exit: options.explainExit?.(exit) ?? exit }),
    });
    self = new LineRpc(process, options, early);
    return self;
  }

  /** Starts handing lines to `handlers`, first those that arrived before. */
  attach(handlers: LineRpcHandlers<In>): void {
    this.#handlers = handlers;
    for (const item of this.#early.splice(0)) this.#deliver(item);
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#exitError === undefined && !this.process.exited;
  }

  /** Sends a request and resolves with the value of its response. */
  request(method: string, params: unknown, options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
    if (!this.alive) return Promise.reject(this.#exitError ?? this.#goneError());
    const { framing, peer } = this.#options;
    const id = framing.id(++this.#count);
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      const settle = (outcome: RpcOutcome) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        options.signal?.removeEventListener("abort", onAbort);
        if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      };
      const onAbort = () => settle({ ok: false, error: cancelledError(options.signal?.reason) });
      const timer = setTimeout(() => {
        const message = `${peer} did not answer ${method} within ${timeoutMs} ms.`;
        settle({ ok: false, error: this.#error("timeout", message, { method }) });
      }, timeoutMs);
      this.#pending.set(id, { method, settle });
      if (options.signal?.aborted) onAbort();
      else if (!this.process.write(framing.request(id, method, params)))
        settle({ ok: false, error: this.#exitError ?? this.#goneError() });
      else options.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #deliver(item: Delivery<In>): void {
    if ("exit" in item) {
      this.#exitError ??= item.exit.error ?? this.#goneError();
      for (const pending of [...this.#pending.values()])
        pending.settle({ ok: false, error: this.#exitError });
    }
    const handlers = this.#handlers;
    if (!handlers) this.#early.push(item);
    else if ("exit" in item) handlers.onExit(item.exit);
    else if ("error" in item) handlers.onProtocolError(item.error);
    else {
      const id = this.#options.framing.responseTo(item.message);
      const pending = id === undefined ? undefined : this.#pending.get(id);
      if (id === undefined) handlers.onMessage(item.message);
      else if (pending) pending.settle(this.#options.framing.outcome(item.message, pending.method));
      else {
        const text = `${this.#options.peer} answered a request that is not pending; the answer was ignored.`;
        handlers.onProtocolError(this.#error("protocol", text, { id }));
      }
    }
  }

  #goneError(): ArkyError {
    return this.#error("process-exited", `${this.#options.peer} is not running.`, {});
  }

  #error(code: "timeout" | "protocol" | "process-exited", message: string, details: object): ArkyError {
    return new ArkyError({ code, message, details: { ...this.#options.details, ...details } });
  }
}
