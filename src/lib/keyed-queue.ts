/**
 * Runs work one at a time per key within this process: a call waits for the calls before it
 * under the same key, then runs. Used where racers on one key would each pay for the same
 * expensive outside work (three partner calls) only to lose to the first at the database.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** `work` is told whether it waited for earlier work under its key (what that work did may have changed its answer). */
  async run<T>(key: string, work: (waited: boolean) => Promise<T>): Promise<T> {
    const queued = this.tails.get(key);
    const before = queued ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await work(queued !== undefined);
    } finally {
      done();
      // The last in line leaves nothing behind: the map holds only keys with work queued.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work running or queued (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
