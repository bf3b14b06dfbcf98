/**
 * At most `max` tasks at once; the rest wait in order. Pod status writes go through one: a burst
 * of 100 pods otherwise opened 100 TLS connections to the API server at once (a handshake each),
 * while a few kept-alive connections carry the same writes sooner.
 */
export class Limiter {
  #running = 0;
  #waiting: (() => void)[] = [];
  /** When the last task ended (Date.now()), 0 before any ran. */
  idleSince = 0;

  constructor(readonly max: number) {}

  get idle(): boolean {
    return this.#running === 0 && this.#waiting.length === 0;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else if (--this.#running === 0) this.idleSince = Date.now();
    }
  }
}
