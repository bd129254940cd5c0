// One model, one job at a time, in arrival order: a request runs only after every earlier one has
// finished, so the KV-cache prefix one call leaves for the next is the same as in a sequential run and
// no two requests ever interleave on the model.

export class QueueClosedError extends Error {}
export class QueueFullError extends Error {}

interface Entry { run: () => Promise<void>; reject: (e: Error) => void }

export class SerialQueue {
  private readonly waiting: Entry[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly maxWaiting: number) {}

  /** Jobs waiting, not counting the one running. */
  get depth(): number { return this.waiting.length; }
  get busy(): boolean { return this.running; }

  /** Runs job after every job queued before it; rejects at once when the queue is full or closed. */
  push<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new QueueClosedError('the server is shutting down'));
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(new QueueFullError(`the server is busy: ${this.waiting.length} requests already queued (--max-queue)`));
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ run: () => job().then(resolve, reject), reject });
      if (!this.running) void this.drain();
    });
  }

  /** Refuses new jobs and rejects every waiting one with `reason`; the running job finishes. Resolves
   * when nothing runs any more. */
  close(reason: Error): Promise<void> {
    this.closed = true;
    for (const entry of this.waiting.splice(0)) entry.reject(reason);
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let entry = this.waiting.shift(); entry; entry = this.waiting.shift()) {
      await entry.run();
      // Let waiting I/O (new requests, disconnects, signals) in between two jobs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
