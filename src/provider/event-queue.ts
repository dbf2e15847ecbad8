/**
 * A single-consumer event queue that producers push into synchronously and the consumer
 * iterates. It lets a runtime run as a plain async function (no generator per layer, so
 * 10,000 deltas cost little) while keeping the durability rule: {@link drained} resolves
 * once the consumer has taken every event and asked for more, i.e. after the Agent
 * stored them.
 */
export class EventQueue<T> implements AsyncIterable<T>, AsyncIterator<T> {
  #items: T[] = [];
  #head = 0;
  #ended = false;
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #drainWaiters: Array<() => void> = [];

  /** Adds an event; ignored after the queue ended. */
  push(item: T): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the stream after the events already pushed. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#head >= this.#items.length) this.#finish();
  }

  /** Whether the consumer stopped or the queue ended. */
  get closed(): boolean {
    return this.#ended;
  }

  /**
   * Resolves when the consumer has taken every event pushed so far and is waiting for
   * more (or the queue closed).
   */
  drained(): Promise<void> {
    if (this.#waiting || this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head]!;
      this.#items[this.#head++] = undefined as T;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended) {
      this.#finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    this.#releaseDrainWaiters();
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  /**
   * Takes every buffered event at once (waiting for at least one), or `undefined` at the
   * end. Lets a consumer pay one async step per burst rather than per event; {@link drained}
   * resolves on the following call, once the batch has been handled.
   */
  nextBatch(): Promise<T[] | undefined> {
    if (this.#head < this.#items.length) {
      const out = this.#head === 0 ? this.#items : this.#items.slice(this.#head);
      this.#items = [];
      this.#head = 0;
      return Promise.resolve(out);
    }
    if (this.#ended) {
      this.#finish();
      return Promise.resolve(undefined);
    }
    this.#releaseDrainWaiters();
    return new Promise((resolve) => {
      this.#waiting = (result) => resolve(result.done ? undefined : [result.value]);
    });
  }

  /** The consumer stopped early: drop what is buffered and release waiting producers. */
  return(): Promise<IteratorResult<T>> {
    this.#ended = true;
    this.#items = [];
    this.#head = 0;
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  #finish(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
    this.#releaseDrainWaiters();
  }

  #releaseDrainWaiters(): void {
    if (this.#drainWaiters.length === 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
