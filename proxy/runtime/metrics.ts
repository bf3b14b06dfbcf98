/**
 * kube-proxy's metrics (pkg/proxy/metrics) in the Prometheus text format, with upstream's names,
 * types and buckets. Label values come from fixed sets (table, code, traffic_policy).
 */

type Kind = 'counter' | 'gauge' | 'histogram';

class Metric {
  readonly #cells = new Map<string, { labels: string[]; value: number; buckets: number[]; sum: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly kind: Kind,
    readonly labelNames: readonly string[] = [],
    readonly bounds: readonly number[] = [],
  ) {}

  #cell(labels: readonly string[]) {
    const key = labels.join('\u0000');
    let c = this.#cells.get(key);
    if (!c) this.#cells.set(key, (c = { labels: [...labels], value: 0, buckets: this.bounds.map(() => 0), sum: 0 }));
    return c;
  }

  inc(labels: readonly string[] = [], n = 1): void {
    this.#cell(labels).value += n;
  }

  set(value: number, labels: readonly string[] = []): void {
    this.#cell(labels).value = value;
  }

  get(labels: readonly string[] = []): number {
    return this.#cells.get(labels.join('\u0000'))?.value ?? 0;
  }

  observe(seconds: number, labels: readonly string[] = []): void {
    const c = this.#cell(labels);
    c.value++;
    c.sum += seconds;
    this.bounds.forEach((le, i) => {
      if (seconds <= le) c.buckets[i]!++;
    });
  }

  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.kind}\n`;
    for (const c of this.#cells.values()) {
      const base = this.labelNames.map((n, i) => `${n}="${c.labels[i] ?? ''}"`);
      const braces = (extra: string[] = []) => (base.length + extra.length ? `{${[...base, ...extra].join(',')}}` : '');
      if (this.kind !== 'histogram') {
        out += `${this.name}${braces()} ${c.value}\n`;
        continue;
      }
      this.bounds.forEach((le, i) => (out += `${this.name}_bucket${braces([`le="${le}"`])} ${c.buckets[i]}\n`));
      out += `${this.name}_bucket${braces(['le="+Inf"'])} ${c.value}\n${this.name}_sum${braces()} ${c.sum}\n${this.name}_count${braces()} ${c.value}\n`;
    }
    return out;
  }
}

/** 0.001 · 2^k, k = 0..14 (prometheus.ExponentialBuckets(0.001, 2, 15)). */
const syncBuckets = Array.from({ length: 15 }, (_, k) => 0.001 * 2 ** k);
/** 0.25, 0.5, 1..59 by 1, 60..115 by 5, 120..300 by 30 (metrics.go). */
const programmingBuckets = [
  0.25, 0.5,
  ...Array.from({ length: 59 }, (_, i) => i + 1),
  ...Array.from({ length: 12 }, (_, i) => 60 + 5 * i),
  ...Array.from({ length: 7 }, (_, i) => 120 + 30 * i),
];

export class ProxyMetrics {
  readonly syncDuration = new Metric('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds', 'histogram', [], syncBuckets);
  readonly syncFullDuration = new Metric('kubeproxy_sync_full_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for full resyncs', 'histogram', [], syncBuckets);
  readonly syncPartialDuration = new Metric('kubeproxy_sync_partial_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for partial resyncs', 'histogram', [], syncBuckets);
  readonly networkProgramming = new Metric('kubeproxy_network_programming_duration_seconds', 'In Cluster Network Programming Latency in seconds', 'histogram', [], programmingBuckets);
  readonly lastTimestamp = new Metric('kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'The last time proxy rules were successfully synced', 'gauge');
  readonly lastQueuedTimestamp = new Metric('kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds', 'The last time a sync of proxy rules was queued', 'gauge');
  readonly endpointChangesPending = new Metric('kubeproxy_sync_proxy_rules_endpoint_changes_pending', 'Pending proxy rules Endpoint changes', 'gauge');
  readonly endpointChangesTotal = new Metric('kubeproxy_sync_proxy_rules_endpoint_changes_total', 'Cumulative proxy rules Endpoint changes', 'counter');
  readonly serviceChangesPending = new Metric('kubeproxy_sync_proxy_rules_service_changes_pending', 'Pending proxy rules Service changes', 'gauge');
  readonly serviceChangesTotal = new Metric('kubeproxy_sync_proxy_rules_service_changes_total', 'Cumulative proxy rules Service changes', 'counter');
  readonly iptablesTotal = new Metric('kubeproxy_sync_proxy_rules_iptables_total', 'Total number of iptables rules owned by kube-proxy', 'gauge', ['table']);
  readonly iptablesLast = new Metric('kubeproxy_sync_proxy_rules_iptables_last', 'Number of iptables rules written by kube-proxy in last sync', 'gauge', ['table']);
  readonly restoreFailures = new Metric('kubeproxy_sync_proxy_rules_iptables_restore_failures_total', 'Cumulative proxy iptables restore failures', 'counter');
  readonly partialRestoreFailures = new Metric('kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total', 'Cumulative proxy iptables partial restore failures', 'counter');
  readonly nftablesSyncFailures = new Metric('kubeproxy_sync_proxy_rules_nftables_sync_failures_total', 'Cumulative proxy nftables sync failures', 'counter');
  /** svcnet's own: how nftables transactions reached the kernel ("netlink" batch or "nft" -f -). */
  readonly nftablesTransactions = new Metric('svcnet_proxy_nftables_transactions_total', 'nftables transactions applied, by path (netlink batch or nft -f -)', 'counter', ['path']);
  readonly noLocalEndpoints = new Metric('kubeproxy_sync_proxy_rules_no_local_endpoints_total', 'Number of services with a Local traffic policy and no endpoints', 'gauge', ['traffic_policy']);
  readonly healthzTotal = new Metric('kubeproxy_proxy_healthz_total', 'Cumulative proxy healthz HTTP status', 'counter', ['code']);
  readonly livezTotal = new Metric('kubeproxy_proxy_livez_total', 'Cumulative proxy livez HTTP status', 'counter', ['code']);

  render(): string {
    return Object.values(this)
      .filter((m): m is Metric => m instanceof Metric)
      .map((m) => m.render())
      .join('');
  }
}
