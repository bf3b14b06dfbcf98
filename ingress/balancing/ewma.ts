/**
 * `load-balance: ewma` (ingress-nginx's ewma.lua, after Finagle's PeakEwma): two endpoints drawn
 * at random, the one with the lower exponentially weighted moving average of response time
 * wins; the average decays with a 10 s time constant. Latencies are kept per backend id across
 * table swaps, so an endpoint change does not forget what was learned.
 */
import type { Endpoint } from '../model.js';
import { untried, type Balancer } from './balancer.js';

const decayMs = 10_000;

interface Score {
  ewma: number;
  at: number;
}

/** backend id → endpoint key → score; a backend keeps only the endpoints it has now. */
const scores = new Map<string, Map<string, Score>>();

export class EwmaBalancer implements Balancer {
  readonly #endpoints: readonly Endpoint[];
  readonly #scores: Map<string, Score>;

  constructor(backendId: string, endpoints: readonly Endpoint[]) {
    this.#endpoints = endpoints;
    let byKey = scores.get(backendId);
    if (!byKey) scores.set(backendId, (byKey = new Map()));
    this.#scores = byKey;
    this.#adopt(endpoints);
  }

  pick(_ctx: unknown, tried: readonly Endpoint[] | undefined): Endpoint | undefined {
    const eps = untried(this.#endpoints, tried);
    if (eps.length <= 1) return eps[0];
    const i = Math.floor(Math.random() * eps.length);
    let j = Math.floor(Math.random() * (eps.length - 1));
    if (j >= i) j++;
    const now = Date.now();
    return this.#score(eps[j], now) < this.#score(eps[i], now) ? eps[j] : eps[i];
  }

  observe(endpoint: Endpoint, ms: number): void {
    const now = Date.now();
    const s = this.#scores.get(endpoint.key);
    if (!s) return;
    s.ewma = decayed(s, ms, now);
    s.at = now;
  }

  #score(ep: Endpoint, now: number): number {
    const s = this.#scores.get(ep.key);
    return s ? decayed(s, 0, now) : 0;
  }

  /** New endpoints start at the average of the known ones (not 0, which would flood them). */
  #adopt(endpoints: readonly Endpoint[]): void {
    const live = new Set(endpoints.map((e) => e.key));
    let sum = 0;
    let n = 0;
    for (const [key, s] of this.#scores) {
      if (!live.has(key)) this.#scores.delete(key);
      else {
        sum += s.ewma;
        n++;
      }
    }
    const now = Date.now();
    for (const ep of endpoints) if (!this.#scores.has(ep.key)) this.#scores.set(ep.key, { ewma: n ? sum / n : 0, at: now });
  }
}

function decayed(s: Score, sample: number, now: number): number {
  const w = Math.exp(-Math.max(0, now - s.at) / decayMs);
  return s.ewma * w + sample * (1 - w);
}

