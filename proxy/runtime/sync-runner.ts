/**
 * BoundedFrequencyRunner (pkg/util/async): runs one function, never two at once, at most `burst`
 * times in a row and then at most once per `minIntervalMs`, at least once per `maxIntervalMs`,
 * and again `retryAfter(ms)` after a failure. Requests while a run is under way coalesce into one
 * more run afterwards.
 */

export interface SyncRunnerOptions {
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly burst: number;
  /** The work; `periodic` is true when the run is due to maxInterval rather than a request. */
  readonly fn: (periodic: boolean) => Promise<void>;
}

export class SyncRunner {
  readonly #o: SyncRunnerOptions;
  #tokens: number;
  #lastRefill = Date.now();
  #running = false;
  #pending = false;
  #pendingPeriodic = false;
  #timer?: NodeJS.Timeout;
  #timerAt = Infinity;
  #periodicTimer?: NodeJS.Timeout;
  #stopped = false;
  #idleWaiters: Array<() => void> = [];
  /** Set by retryAfter; a plain run() request clears it (kube-proxy: "or sooner if Run is called"). */
  #notBefore = 0;
  /** run() was called since the current run started: a retryAfter from that run must not delay it. */
  #requested = false;

  constructor(options: SyncRunnerOptions) {
    this.#o = options;
    this.#tokens = Math.max(1, options.burst);
  }

  start(): void {
    this.#armPeriodic();
  }

  /** Asks for a run as soon as the rate limit allows. */
  run(): void {
    if (this.#stopped) return;
    this.#pending = true;
    this.#requested = true;
    this.#notBefore = 0;
    this.#schedule(this.#delayUntilToken());
  }

  /** After a failure: run again after `ms` unless something runs it sooner. */
  retryAfter(ms: number): void {
    if (this.#stopped) return;
    this.#pending = true;
    if (!this.#requested) this.#notBefore = Date.now() + ms;
    this.#schedule(this.#nextDelay());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#periodicTimer);
    if (this.#running) await new Promise<void>((r) => this.#idleWaiters.push(r));
  }

  #armPeriodic(): void {
    clearTimeout(this.#periodicTimer);
    if (this.#stopped || !Number.isFinite(this.#o.maxIntervalMs)) return;
    this.#periodicTimer = setTimeout(() => {
      this.#pending = true;
      this.#pendingPeriodic = true;
      this.#schedule(this.#nextDelay());
    }, this.#o.maxIntervalMs);
  }

  #refill(): void {
    const now = Date.now();
    if (this.#o.minIntervalMs <= 0) {
      this.#tokens = this.#o.burst;
    } else {
      const gained = (now - this.#lastRefill) / this.#o.minIntervalMs;
      this.#tokens = Math.min(this.#o.burst, this.#tokens + gained);
    }
    this.#lastRefill = now;
  }

  #delayUntilToken(): number {
    this.#refill();
    if (this.#tokens >= 1) return 0;
    return Math.ceil((1 - this.#tokens) * this.#o.minIntervalMs);
  }

  #nextDelay(): number {
    return Math.max(this.#delayUntilToken(), this.#notBefore - Date.now());
  }

  #schedule(delayMs: number): void {
    if (this.#running) return; // the run in progress reschedules itself when it ends
    const at = Date.now() + delayMs;
    if (at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => void this.#tick(), delayMs);
  }

  async #tick(): Promise<void> {
    this.#timerAt = Infinity;
    if (this.#stopped || this.#running || !this.#pending) return;
    const wait = this.#nextDelay();
    if (wait > 0) return this.#schedule(wait);
    this.#notBefore = 0;
    this.#requested = false;
    this.#tokens -= 1;
    const periodic = this.#pendingPeriodic;
    this.#pending = false;
    this.#pendingPeriodic = false;
    this.#running = true;
    try {
      await this.#o.fn(periodic);
    } finally {
      this.#running = false;
      for (const w of this.#idleWaiters.splice(0)) w();
      this.#armPeriodic();
      if (this.#pending && !this.#stopped) this.#schedule(this.#nextDelay());
    }
  }
}
