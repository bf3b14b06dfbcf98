/** Exponential retry delays (200 ms doubling to 5 s by default) and a sleep that stop() can cut short. */
export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffSettings = { initialMs: 200, maxMs: 5_000 };

export class Backoff {
  readonly #settings: BackoffSettings;
  #next: number;

  constructor(settings: BackoffSettings = defaultBackoff) {
    this.#settings = settings;
    this.#next = settings.initialMs;
  }

  /** The delay to wait now; each call doubles the next one up to the maximum. */
  nextDelayMs(): number {
    const delay = this.#next;
    this.#next = Math.min(this.#next * 2, this.#settings.maxMs);
    return delay;
  }

  reset(): void {
    this.#next = this.#settings.initialMs;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
