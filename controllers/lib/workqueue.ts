/**
 * A work queue as client-go's controllers use it: keys (usually "namespace/name") are queued
 * once however often they are added, a key being processed is never processed twice at the same
 * time (re-adds wait until it is done), and failures are retried with per-key exponential
 * back-off. Controllers reconcile keys, not events, so a burst of changes costs one pass.
 */
export interface WorkQueueOptions {
  /** First retry delay after a failure; doubles per failure up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How many keys are processed at once. */
  workers?: number;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly idleWaiters: (() => void)[] = [];
  private running = 0;
  private stopped = false;
  private pumpScheduled = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly workers: number;

  constructor(
    private readonly handle: (key: string) => Promise<void>,
    opts: WorkQueueOptions = {},
    private readonly onError: (key: string, err: unknown) => void = () => {},
  ) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.workers = opts.workers ?? 1;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.schedulePump();
  }

  /** Starts work on the next microtask, so a synchronous burst of adds coalesces first. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Adds the key after a delay (a requeue for later, e.g. a grace period ending). */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delayMs),
    );
  }

  get length(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or being processed (tests, benchmarks). Timers may still be pending. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0 && !this.pumpScheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.workers && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      this.running++;
      void this.process(key);
    }
    if (this.queue.length === 0 && this.running === 0) this.idleWaiters.splice(0).forEach((w) => w());
  }

  private async process(key: string): Promise<void> {
    try {
      await this.handle(key);
      this.failures.delete(key);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.onError(key, err);
      this.addAfter(key, Math.min(this.baseDelayMs * 2 ** (n - 1), this.maxDelayMs));
    } finally {
      this.processing.delete(key);
      this.running--;
      if (this.dirtyWhileProcessing.delete(key)) this.add(key);
      this.pump();
    }
  }
}

export function namespacedKey(obj: { metadata: { namespace?: string; name?: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name ?? '';
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
