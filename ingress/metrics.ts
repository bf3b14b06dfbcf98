/**
 * Prometheus metrics with ingress-nginx's names where one exists. Labels are bounded on purpose
 * (reference §4 "Observability": per-path/per-method series blew up real clusters): series are per
 * (namespace, ingress, service) and status class only, and at most `maxSeries` of them exist; the
 * rest are counted under ingress="_other".
 */
import type { Backend } from './model.js';

const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const classes = ['1xx', '2xx', '3xx', '4xx', '5xx'];

interface Series {
  labels: string;
  byClass: number[];
  bucketCounts: number[];
  sum: number;
  count: number;
  bytesSent: number;
}

export class IngressMetrics {
  readonly #series = new Map<string, Series>();
  readonly #byBackend = new WeakMap<Backend, Series>();
  readonly #upstreamErrors = new Map<string, number>();
  readonly #maxSeries: number;
  #noRoute = [0, 0, 0, 0, 0];
  #configReloads = 0;
  #lastConfigSuccess = 0;
  #routes = 0;
  readonly #connections: () => number;

  constructor(opts: { maxSeries?: number; connections?: () => number } = {}) {
    this.#maxSeries = opts.maxSeries ?? 2000;
    this.#connections = opts.connections ?? (() => 0);
  }

  /** A request answered; `backend` undefined = answered by the proxy itself (404, redirects...). */
  observe(backend: Backend | undefined, status: number, seconds: number, bytes: number): void {
    const ci = Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
    if (!backend) {
      this.#noRoute[ci]++;
      return;
    }
    const s = this.#seriesFor(backend);
    s.byClass[ci]++;
    s.sum += seconds;
    s.count++;
    s.bytesSent += bytes;
    for (let i = 0; i < buckets.length; i++) if (seconds <= buckets[i]) s.bucketCounts[i]++;
  }

  upstreamError(backend: Backend, reason: 'connect' | 'reset' | 'timeout' | 'protocol'): void {
    const key = `${labelsOf(backend)},reason="${reason}"`;
    if (!this.#upstreamErrors.has(key) && this.#upstreamErrors.size >= this.#maxSeries) return;
    this.#upstreamErrors.set(key, (this.#upstreamErrors.get(key) ?? 0) + 1);
  }

  configApplied(routes: number, nowSeconds: number): void {
    this.#configReloads++;
    this.#lastConfigSuccess = nowSeconds;
    this.#routes = routes;
  }

  #seriesFor(b: Backend): Series {
    let s = this.#byBackend.get(b);
    if (s) return s;
    let labels = labelsOf(b);
    s = this.#series.get(labels);
    if (!s) {
      if (this.#series.size >= this.#maxSeries) labels = 'namespace="_other",ingress="_other",service="_other"';
      s = this.#series.get(labels);
      if (!s) this.#series.set(labels, (s = { labels, byClass: [0, 0, 0, 0, 0], bucketCounts: buckets.map(() => 0), sum: 0, count: 0, bytesSent: 0 }));
    }
    this.#byBackend.set(b, s);
    return s;
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP nginx_ingress_controller_requests The total number of client requests.', '# TYPE nginx_ingress_controller_requests counter');
    for (const s of this.#series.values()) s.byClass.forEach((n, i) => n && out.push(`nginx_ingress_controller_requests{${s.labels},status="${classes[i]}"} ${n}`));
    this.#noRoute.forEach((n, i) => n && out.push(`nginx_ingress_controller_requests{namespace="",ingress="",service="",status="${classes[i]}"} ${n}`));
    out.push('# HELP nginx_ingress_controller_request_duration_seconds The request processing time in seconds.', '# TYPE nginx_ingress_controller_request_duration_seconds histogram');
    for (const s of this.#series.values()) {
      buckets.forEach((le, i) => out.push(`nginx_ingress_controller_request_duration_seconds_bucket{${s.labels},le="${le}"} ${s.bucketCounts[i]}`));
      out.push(`nginx_ingress_controller_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
      out.push(`nginx_ingress_controller_request_duration_seconds_sum{${s.labels}} ${s.sum}`, `nginx_ingress_controller_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    out.push('# HELP nginx_ingress_controller_response_size_bytes_total Response bytes sent to clients.', '# TYPE nginx_ingress_controller_response_size_bytes_total counter');
    for (const s of this.#series.values()) out.push(`nginx_ingress_controller_response_size_bytes_total{${s.labels}} ${s.bytesSent}`);
    out.push('# HELP svcnet_ingress_upstream_errors_total Failed upstream attempts (connect, reset, timeout, protocol).', '# TYPE svcnet_ingress_upstream_errors_total counter');
    for (const [k, n] of this.#upstreamErrors) out.push(`svcnet_ingress_upstream_errors_total{${k}} ${n}`);
    out.push('# HELP nginx_ingress_controller_config_last_reload_successful_timestamp_seconds Time of the last RouteTable swap.', '# TYPE nginx_ingress_controller_config_last_reload_successful_timestamp_seconds gauge');
    out.push(`nginx_ingress_controller_config_last_reload_successful_timestamp_seconds ${this.#lastConfigSuccess}`);
    out.push('# HELP svcnet_ingress_config_swaps_total RouteTable swaps (no process reloads ever happen).', '# TYPE svcnet_ingress_config_swaps_total counter', `svcnet_ingress_config_swaps_total ${this.#configReloads}`);
    out.push('# HELP svcnet_ingress_routes Routes in the current RouteTable.', '# TYPE svcnet_ingress_routes gauge', `svcnet_ingress_routes ${this.#routes}`);
    out.push('# HELP nginx_ingress_controller_nginx_process_connections Open client connections.', '# TYPE nginx_ingress_controller_nginx_process_connections gauge', `nginx_ingress_controller_nginx_process_connections{state="active"} ${this.#connections()}`);
    return out.join('\n') + '\n';
  }
}

function labelsOf(b: Backend): string {
  const [namespace, ingress] = b.ingress.split('/');
  return `namespace="${namespace}",ingress="${ingress}",service="${b.service.split('/')[1] ?? ''}"`;
}
