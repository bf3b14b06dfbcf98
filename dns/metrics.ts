/**
 * Prometheus text-format metrics with CoreDNS's names (plugin/metrics, plugin/cache,
 * plugin/forward). Label values come only from bounded sets (proto, family, a fixed list of qtypes
 * plus "other", rcode names, configured upstreams), so series cannot grow with traffic.
 */
import { typeName } from './rr.js';

type LabelValues = readonly string[];

class Family {
  readonly values = new Map<string, { labels: LabelValues; value: number; buckets?: number[]; sum?: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly kind: 'counter' | 'gauge' | 'histogram',
    readonly labelNames: readonly string[],
    readonly bucketBounds: readonly number[] = [],
  ) {}

  cell(labels: LabelValues) {
    const key = labels.join('\u0000');
    let c = this.values.get(key);
    if (!c) {
      c = { labels: [...labels], value: 0, ...(this.kind === 'histogram' ? { buckets: new Array(this.bucketBounds.length).fill(0), sum: 0 } : {}) };
      this.values.set(key, c);
    }
    return c;
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.kind}\n`;
    for (const c of this.values.values()) {
      const base = this.labelNames.map((n, i) => `${n}="${escapeLabel(c.labels[i] ?? '')}"`);
      if (this.kind !== 'histogram') {
        out += `${this.name}{${base.join(',')}} ${c.value}\n`;
        continue;
      }
      let cumulative = 0;
      this.bucketBounds.forEach((le, i) => {
        cumulative += c.buckets![i]!;
        out += `${this.name}_bucket{${[...base, `le="${le}"`].join(',')}} ${cumulative}\n`;
      });
      out += `${this.name}_bucket{${[...base, 'le="+Inf"'].join(',')}} ${c.value}\n`;
      out += `${this.name}_sum{${base.join(',')}} ${c.sum}\n${this.name}_count{${base.join(',')}} ${c.value}\n`;
    }
    return out;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Counter extends Family {
  inc(labels: LabelValues, n = 1): void {
    this.cell(labels).value += n;
  }
  get(labels: LabelValues): number {
    return this.values.get(labels.join('\u0000'))?.value ?? 0;
  }
}

export class Gauge extends Family {
  set(labels: LabelValues, v: number): void {
    this.cell(labels).value = v;
  }
}

export class Histogram extends Family {
  observe(labels: LabelValues, v: number): void {
    this.observeCell(this.cell(labels), v);
  }

  observeCell(c: ReturnType<Family['cell']>, v: number): void {
    c.value++;
    c.sum! += v;
    const bounds = this.bucketBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (v <= bounds[i]!) {
        c.buckets![i]!++;
        break;
      }
    }
  }
}

/** CoreDNS: prometheus.ExponentialBuckets(0.00025, 2, 16). */
const durationBuckets = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

/** The qtypes CoreDNS names in its labels; everything else is "other". */
const namedTypes = new Set([1, 2, 5, 6, 12, 15, 16, 28, 33, 35, 41, 43, 48, 64, 65, 251, 252, 255]);
const extraTypeNames: Record<number, string> = { 35: 'NAPTR', 43: 'DS', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS' };
const rcodeNames = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export function typeLabel(qtype: number): string {
  return namedTypes.has(qtype) ? (extraTypeNames[qtype] ?? typeName(qtype)) : 'other';
}

export function rcodeLabel(rcode: number): string {
  return rcode === 16 ? 'BADVERS' : (rcodeNames[rcode] ?? `RCODE${rcode & 0xff}`);
}

export class DnsMetrics {
  readonly requests = new Counter('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.', 'counter', ['server', 'zone', 'proto', 'family', 'type']);
  readonly responses = new Counter('coredns_dns_responses_total', 'Counter of response status codes.', 'counter', ['server', 'zone', 'rcode']);
  readonly duration = new Histogram('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.', 'histogram', ['server', 'zone', 'type'], durationBuckets);
  readonly cacheHits = new Counter('coredns_cache_hits_total', 'The count of cache hits.', 'counter', ['server', 'type', 'zones']);
  readonly cacheMisses = new Counter('coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.', 'counter', ['server', 'zones']);
  readonly cacheRequests = new Counter('coredns_cache_requests_total', 'The count of cache requests.', 'counter', ['server', 'zones']);
  readonly cacheEntries = new Gauge('coredns_cache_entries', 'The number of elements in the cache.', 'gauge', ['server', 'type', 'zones']);
  readonly forwardRequests = new Counter('coredns_forward_requests_total', 'Counter of requests made per upstream.', 'counter', ['to']);
  readonly forwardResponses = new Counter('coredns_forward_responses_total', 'Counter of responses received per upstream.', 'counter', ['to', 'rcode']);
  readonly forwardDuration = new Histogram('coredns_proxy_request_duration_seconds', 'Histogram of the time each request took.', 'histogram', ['proxy_name', 'to', 'rcode'], durationBuckets);
  readonly forwardBroken = new Counter('coredns_forward_healthcheck_broken_total', 'Counter of the number of complete failures of the healthchecks.', 'counter', []);
  readonly panics = new Counter('coredns_panics_total', 'A metrics that counts the number of panics.', 'counter', []);
  /** CoreDNS: EndpointSlice trigger time → applied, headless Services only; ExponentialBuckets(0.001, 2, 20). */
  readonly programming = new Histogram('coredns_kubernetes_dns_programming_duration_seconds', 'Histogram of the time (in seconds) it took to program a dns instance.', 'histogram', ['service_kind'], Array.from({ length: 20 }, (_, i) => 0.001 * 2 ** i));
  readonly forwardRejects = new Counter('coredns_forward_max_concurrent_rejects_total', 'Counter of the number of queries rejected because the concurrent queries were at maximum.', 'counter', []);
  readonly #families: Family[] = [this.requests, this.responses, this.duration, this.cacheHits, this.cacheMisses, this.cacheRequests, this.cacheEntries, this.forwardRequests, this.forwardResponses, this.forwardDuration, this.forwardBroken, this.forwardRejects, this.panics, this.programming];

  constructor(readonly server: string) {
    this.panics.inc([], 0);
    this.forwardRejects.inc([], 0);
  }

  /** The three series one query touches, found once per (proto, family, type, rcode) and kept. */
  readonly #hot = new Map<number, { req: ReturnType<Family['cell']>; resp: ReturnType<Family['cell']>; dur: ReturnType<Family['cell']> }>();

  /** One answered query (the zone label is "." as in kubeadm's single server block). */
  observeQuery(proto: 'udp' | 'tcp', family: '1' | '2', qtype: number, rcode: number, seconds: number): void {
    const key = (((qtype & 0xffff) * 32 + (rcode & 31)) * 2 + (proto === 'tcp' ? 1 : 0)) * 2 + (family === '2' ? 1 : 0);
    let hot = this.#hot.get(key);
    if (!hot) {
      const type = typeLabel(qtype);
      hot = { req: this.requests.cell([this.server, '.', proto, family, type]), resp: this.responses.cell([this.server, '.', rcodeLabel(rcode)]), dur: this.duration.cell([this.server, '.', type]) };
      this.#hot.set(key, hot);
    }
    hot.req.value++;
    hot.resp.value++;
    this.duration.observeCell(hot.dur, seconds);
  }

  render(): string {
    return this.#families.map((f) => f.render()).join('');
  }
}
