/**
 * DataPlane: what every client connection shares — the current RouteTable (swapped whole, never
 * edited), upstream pools, round-robin cursors, limits, timeouts, metrics and the access log.
 */
import type { Backend, Endpoint, RouteTable } from '../model.js';
import type { IngressMetrics } from '../metrics.js';
import type { UpstreamPools } from '../upstream/pool.js';
import type { HeadLimits } from './http-head.js';

export interface Timeouts {
  /** Whole request head must arrive within this (slowloris guard; nginx client_header_timeout). */
  headerMs: number;
  /** Idle keep-alive connection between requests (nginx keepalive_timeout 75s). */
  keepAliveMs: number;
  /** Gap between two reads of a request body (nginx client_body_timeout). */
  bodyMs: number;
}

export const defaultTimeouts: Timeouts = { headerMs: 60_000, keepAliveMs: 75_000, bodyMs: 60_000 };

export interface Deadline {
  deadline: number;
  onDeadline(now: number): void;
}

export class DataPlane {
  table: RouteTable;
  readonly pools: UpstreamPools;
  readonly metrics: IngressMetrics;
  readonly limits: HeadLimits;
  readonly timeouts: Timeouts;
  accessLog: ((line: string) => void) | undefined;
  /** Round-robin position per backend id; survives table swaps so balance is not reset. */
  readonly #cursors = new Map<string, number>();
  /** Everything with a deadline (client connections); swept four times a second. */
  readonly live = new Set<Deadline>();
  /** A clock read once per tick of the sweeper, cheap enough to touch on every chunk. */
  now = Date.now();
  readonly #timer: NodeJS.Timeout;

  constructor(opts: { table: RouteTable; pools: UpstreamPools; metrics: IngressMetrics; limits: HeadLimits; timeouts: Timeouts; accessLog?: (line: string) => void }) {
    this.table = opts.table;
    this.pools = opts.pools;
    this.metrics = opts.metrics;
    this.limits = opts.limits;
    this.timeouts = opts.timeouts;
    this.accessLog = opts.accessLog;
    this.#timer = setInterval(() => this.#sweep(), 100).unref();
  }

  /** Atomic reconfiguration: requests already routed keep the Backend they hold. */
  swap(table: RouteTable): void {
    this.table = table;
    const live = new Set<string>();
    // Endpoint lists are shared by every backend of a Service port: visit each list once.
    const lists = new Set<readonly Endpoint[]>();
    const add = (b: Backend | undefined) => {
      if (!b || lists.has(b.endpoints)) return;
      lists.add(b.endpoints);
      for (const e of b.endpoints) live.add(e.key);
    };
    const addHost = (h: { routes: { backend: Backend }[]; fallback: Backend | undefined }) => {
      for (const r of h.routes) add(r.backend);
      add(h.fallback);
    };
    for (const h of table.exact.values()) addHost(h);
    for (const h of table.wildcard.values()) addHost(h);
    if (table.anyHost) addHost(table.anyHost);
    add(table.defaultBackend);
    // Canary backends are reached only through route policies (ingress/policies/).
    for (const b of table.canaryBackends) add(b);
    this.pools.retain(live);
  }

  /** Next endpoint in round-robin order, skipping the ones already tried for this request. */
  pickEndpoint(backend: Backend, tried: Endpoint[] | undefined): Endpoint | undefined {
    const eps = backend.endpoints;
    const n = eps.length;
    if (n === 0) return undefined;
    let c = this.#cursors.get(backend.id) ?? 0;
    for (let i = 0; i < n; i++) {
      const ep = eps[c % n];
      c++;
      if (!tried || !tried.includes(ep)) {
        this.#cursors.set(backend.id, c % n);
        return ep;
      }
    }
    return undefined;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #sweep(): void {
    const now = (this.now = Date.now());
    for (const d of this.live) if (d.deadline !== 0 && d.deadline < now) d.onDeadline(now);
  }
}
