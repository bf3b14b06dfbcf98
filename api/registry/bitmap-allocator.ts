/**
 * Allocates integers from [0, size) the way Kubernetes' range allocators do since 1.27: the
 * range is split into a lower band kept for values users ask for and an upper band that dynamic
 * allocation uses first (falling back to the lower band), so a static choice rarely collides.
 */
export class BitmapAllocator {
  private readonly used = new Set<number>();
  private readonly lowerBandSize: number;

  constructor(readonly size: number) {
    // Upstream: min(max(16, size/16), 256) values reserved at the bottom.
    this.lowerBandSize = Math.min(Math.max(16, Math.floor(size / 16)), 256, size);
  }

  has(n: number): boolean {
    return this.used.has(n);
  }

  /** Marks n used; false if it already was. */
  take(n: number): boolean {
    if (this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }

  release(n: number): void {
    this.used.delete(n);
  }

  get free(): number {
    return this.size - this.used.size;
  }

  /** A free value at random, upper band first; undefined when full. */
  next(): number | undefined {
    return this.randomFree(this.lowerBandSize, this.size) ?? this.randomFree(0, this.lowerBandSize);
  }

  private randomFree(from: number, to: number): number | undefined {
    const span = to - from;
    if (span <= 0) return undefined;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const n = from + ((start + i) % span);
      if (!this.used.has(n)) return n;
    }
    return undefined;
  }
}
