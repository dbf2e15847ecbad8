/**
 * An async generator over the items of a generator of batches. Each `next()` with items
 * buffered is one resolved promise: far cheaper per item than an async generator's
 * `yield`, which matters when a stream carries tens of thousands of deltas. `return()`
 * and `throw()` reach the inner generator (so leaving a `for await` early still runs its
 * `finally`); items of a batch not yet taken are dropped then.
 */
export class FlatStream<T> implements AsyncGenerator<T, void, undefined> {
  readonly #inner: AsyncGenerator<readonly T[], void, undefined>;
  #batch: readonly T[] = [];
  #index = 0;
  #pulling: Promise<IteratorResult<T, void>> | undefined;

  constructor(inner: AsyncGenerator<readonly T[], void, undefined>) {
    this.#inner = inner;
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.#pulling) return this.#pulling.then(() => this.next());
    if (this.#index < this.#batch.length)
      return Promise.resolve({ value: this.#batch[this.#index++] as T, done: false });
    const pulling = this.#inner.next().then(
      (result): Promise<IteratorResult<T, void>> | IteratorResult<T, void> => {
        this.#pulling = undefined;
        if (result.done) return result;
        this.#batch = result.value;
        this.#index = 0;
        return this.next();
      },
      (error: unknown) => {
        this.#pulling = undefined;
        throw error;
      },
    );
    this.#pulling = pulling;
    return pulling;
  }

  async return(): Promise<IteratorResult<T, void>> {
    this.#drop();
    await this.#inner.return(undefined);
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<T, void>> {
    this.#drop();
    const result = await this.#inner.throw(error);
    return result.done ? result : this.next();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  #drop(): void {
    this.#batch = [];
    this.#index = 0;
  }
}
