/**
 * The cache in front of the upstreams (CoreDNS plugin/cache as kubeadm configures it, `cache 30`):
 * positive answers live for the smallest TTL of their Answer and Authority records, denials
 * (NXDOMAIN, NODATA) for the SOA's min(TTL, MINIMUM) — negative caching — both clamped to
 * [minTtl, maxTtl]. A hit comes back with every TTL rewritten to the seconds left, as CoreDNS does.
 * Capacity-bounded: the oldest entry goes first. SERVFAIL and other errors are not stored.
 */
import { Rcode, type Answer, type RR } from './rr.js';

export interface CacheOptions {
  /** CoreDNS: 9984 per cache type. */
  capacity?: number;
  /** Seconds; `cache 30` caps success and denial at 30. */
  maxTtl?: number;
  /** Seconds; CoreDNS MINTTL 5. */
  minTtl?: number;
  now?: () => number;
}

export type CacheKind = 'success' | 'denial';

interface Entry {
  readonly answer: Answer;
  readonly kind: CacheKind;
  readonly storedAt: number;
  readonly ttl: number;
}

export class AnswerCache {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;
  readonly #maxTtl: number;
  readonly #minTtl: number;
  readonly #now: () => number;

  constructor(opts: CacheOptions = {}) {
    this.#capacity = opts.capacity ?? 9984;
    this.#maxTtl = opts.maxTtl ?? 30;
    this.#minTtl = Math.min(opts.minTtl ?? 5, this.#maxTtl);
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries per kind, kept as entries come and go (coredns_cache_entries). */
  readonly #counts: Record<CacheKind, number> = { success: 0, denial: 0 };

  countOf(kind: CacheKind): number {
    return this.#counts[kind];
  }

  #delete(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#counts[e.kind]--;
  }

  static key(lowerName: string, qtype: number, dnssecOk: boolean): string {
    return `${qtype}${dnssecOk ? '+do' : ''} ${lowerName}`;
  }

  get(key: string): { answer: Answer; kind: CacheKind } | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    const left = e.ttl - Math.floor((this.#now() - e.storedAt) / 1000);
    if (left <= 0) {
      this.#delete(key);
      return undefined;
    }
    return { answer: withTtl(e.answer, left), kind: e.kind };
  }

  /** Stores what may be stored; returns the answer as it should be sent now (TTLs rewritten). */
  put(key: string, answer: Answer): Answer {
    const kind: CacheKind | undefined = answer.rcode === Rcode.NXDOMAIN || (answer.rcode === Rcode.NOERROR && answer.answer.length === 0) ? 'denial' : answer.rcode === Rcode.NOERROR ? 'success' : undefined;
    const raw = kind === 'success' ? successTtl(answer) : kind === 'denial' ? denialTtl(answer) : undefined;
    if (kind === undefined || raw === undefined || answer.truncated) return answer;
    const ttl = Math.max(this.#minTtl, Math.min(this.#maxTtl, raw));
    this.#delete(key);
    if (this.#entries.size >= this.#capacity) this.#delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { answer, kind, storedAt: this.#now(), ttl });
    this.#counts[kind]++;
    return withTtl(answer, ttl);
  }

  clear(): void {
    this.#entries.clear();
    this.#counts.success = this.#counts.denial = 0;
  }
}

function successTtl(a: Answer): number | undefined {
  const all = [...a.answer, ...a.authority];
  return all.length ? Math.min(...all.map((r) => r.ttl)) : undefined;
}

function denialTtl(a: Answer): number | undefined {
  const soa = a.authority.find((r) => r.type === 'SOA');
  return soa && soa.type === 'SOA' ? Math.min(soa.ttl, soa.minimum) : undefined;
}

function withTtl(a: Answer, ttl: number): Answer {
  const set = (rrs: RR[]) => rrs.map((r) => ({ ...r, ttl }) as RR);
  return { ...a, answer: set(a.answer), authority: set(a.authority), additional: set(a.additional) };
}
