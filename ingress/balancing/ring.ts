/**
 * A consistent-hash ring (ketama style, as resty.chash that ingress-nginx uses): each endpoint
 * owns 160 points; a key goes to the first point at or after its hash. Removing an endpoint
 * moves only the keys it owned; the rest keep their endpoint.
 */
import type { Endpoint } from '../model.js';

const pointsPerEndpoint = 160;

/** FNV-1a, 32 bits: cheap, well spread for short strings, no allocation. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so that keys differing in their last character spread over the whole ring.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export class HashRing {
  readonly #points: Uint32Array;
  readonly #owners: Endpoint[];

  constructor(endpoints: readonly Endpoint[]) {
    const pairs: [number, Endpoint][] = [];
    for (const ep of endpoints) for (let i = 0; i < pointsPerEndpoint; i++) pairs.push([fnv1a(`${ep.key}#${i}`), ep]);
    pairs.sort((a, b) => a[0] - b[0]);
    this.#points = Uint32Array.from(pairs.map((p) => p[0]));
    this.#owners = pairs.map((p) => p[1]);
  }

  /** The endpoint owning `key`, walking on past endpoints in `skip` (already tried). */
  find(key: string, skip?: readonly Endpoint[]): Endpoint | undefined {
    const n = this.#points.length;
    if (n === 0) return undefined;
    const h = fnv1a(key);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#points[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    for (let i = 0; i < n; i++) {
      const ep = this.#owners[(lo + i) % n];
      if (!skip || !skip.includes(ep)) return ep;
    }
    return undefined;
  }
}
