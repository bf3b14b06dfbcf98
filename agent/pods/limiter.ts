/**
 * At most `max` tasks at once; the rest wait in order. Pod status writes go through one: a burst
 * of 100 pods otherwise opened 100 TLS connections to the API server at once (a handshake each),
 * while a few kept-alive connections carry the same writes sooner.
 */
export class Limiter {
  #running = 0;
  #waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
