/**
 * `startDnsServer`: cluster DNS as one component — index, informers, UDP/TCP listener, forwarder
 * with cache, and the health/ready/metrics endpoints — with an idempotent close().
 */
import { ApiClient } from '../client/rest.js';
import type { Connection } from '../client/connection.js';
import { InformerFactory } from '../client/informer-factory.js';
import { loadConnection } from '../client/kubeconfig.js';
import { SvcnetError } from '../common/errors.js';
import { logger } from '../common/log.js';
import { AnswerCache } from './cache.js';
import { ClusterIndex } from './cluster-index.js';
import { DnsController, informerSources, type DnsSources } from './controller.js';
import { Forwarder } from './forward.js';
import { QueryHandler } from './handler.js';
import { DnsMetrics } from './metrics.js';
import { serveOps, type OpsEndpoint, type Route } from './ops.js';
import { defaultRecordsConfig, type PodsMode, type RecordsConfig } from './records.js';
import { formatHostPort, parseHostPort, upstreamsFromResolvConf, type HostPort } from './resolv-conf.js';
import { listenDns } from './server.js';

export interface DnsServerOptions {
  /** Kubeconfig path, or a ready connection. Ignored when `informers`, `sources` or `index` is given. */
  kubeconfig?: string | Connection;
  /** Share the watches of a process that runs other components (`svcnet up`). */
  informers?: InformerFactory;
  /** Stand-in object sources (tests). */
  sources?: DnsSources;
  /** A static, already synced index (tests, benchmarks): no API access at all. */
  index?: ClusterIndex;
  /** HOST:PORT for UDP and TCP (port 0 = any free port, the same for both). */
  listen: string;
  /** HOST:PORT of upstream resolvers; default: the nameservers of /etc/resolv.conf except this server. */
  upstreams?: string[];
  resolvConf?: string;
  zone?: string;
  ttl?: number;
  pods?: PodsMode;
  /** CoreDNS `ignore empty_service`. */
  ignoreEmptyService?: boolean;
  /** Max TTL of forwarded answers in the cache (kubeadm `cache 30`). */
  cacheMaxTtl?: number;
  forwardTimeoutMs?: number;
  /** '' disables an endpoint. Defaults 0.0.0.0:8080, :8181, :9153 as CoreDNS. */
  healthListen?: string;
  readyListen?: string;
  metricsListen?: string;
}

export interface RunningDns {
  readonly udpPort: number;
  readonly tcpPort: number;
  /** Bound ports of the HTTP endpoints by name (health, ready, metrics). */
  readonly httpPorts: Readonly<Record<string, number>>;
  readonly index: ClusterIndex;
  readonly metrics: DnsMetrics;
  readonly upstreams: readonly HostPort[];
  ready(): boolean;
  close(): Promise<void>;
}

const log = logger('dns');

export async function startDnsServer(opts: DnsServerOptions): Promise<RunningDns> {
  const listen = parseHostPort(opts.listen);
  const index = opts.index ?? new ClusterIndex();
  const zone = (opts.zone ?? defaultRecordsConfig.zone).toLowerCase().replace(/\.$/, '');
  const ttl = opts.ttl ?? defaultRecordsConfig.ttl;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) throw new SvcnetError('InvalidArgument', `dns: ttl must be 0..3600, got ${ttl}`);
  const cacheMaxTtl = opts.cacheMaxTtl ?? 30;
  const records: RecordsConfig = { ...defaultRecordsConfig, zone, ttl, pods: opts.pods ?? defaultRecordsConfig.pods, ignoreEmptyService: opts.ignoreEmptyService === true, dnsVersionTtl: Math.min(28800, cacheMaxTtl || 28800), nsAddresses: nsAddressesFor(listen) };
  const upstreams = opts.upstreams ? opts.upstreams.map((u) => parseHostPort(u)) : upstreamsFromResolvConf(listen, opts.resolvConf);
  // CoreDNS names a server listening on every address `dns://:53`.
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::';
  const metrics = new DnsMetrics(wildcard ? `dns://:${listen.port}` : `dns://${formatHostPort(listen)}`);
  const forwarder = new Forwarder({ upstreams, timeoutMs: opts.forwardTimeoutMs, metrics });
  const cache = new AnswerCache({ maxTtl: cacheMaxTtl });
  const handler = new QueryHandler({ index, records, forwarder, cache, metrics });

  const closers: Array<() => Promise<void> | void> = [() => forwarder.close()];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    const { controller, stopInformers } = await startSources(opts, index, metrics);
    if (controller) closers.push(() => controller.stop());
    if (stopInformers) closers.push(stopInformers);
    const sockets = await listenDns(listen, handler);
    closers.push(() => sockets.close());
    const httpPorts = await startOps(opts, index, metrics, closers);
    log.info('dns serving', { listen: formatHostPort({ host: listen.host, port: sockets.udpPort }), zone, upstreams: upstreams.map(formatHostPort).join(',') || 'none' });
    let closing: Promise<void> | undefined;
    return {
      udpPort: sockets.udpPort,
      tcpPort: sockets.tcpPort,
      httpPorts,
      index,
      metrics,
      upstreams,
      ready: () => index.synced,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function startSources(opts: DnsServerOptions, index: ClusterIndex, metrics: DnsMetrics): Promise<{ controller?: DnsController; stopInformers?: () => Promise<void> }> {
  if (opts.index) {
    if (!index.synced) index.markSynced();
    return {};
  }
  let sources = opts.sources;
  let stopInformers: (() => Promise<void>) | undefined;
  if (!sources) {
    let factory = opts.informers;
    if (!factory) {
      const conn = typeof opts.kubeconfig === 'object' ? opts.kubeconfig : await loadConnection({ path: opts.kubeconfig });
      factory = new InformerFactory(new ApiClient(conn));
      const own = factory;
      stopInformers = () => own.stop();
    }
    sources = informerSources(factory);
    factory.start();
  }
  const controller = new DnsController(index, sources, metrics);
  controller.start();
  return { controller, stopInformers };
}

async function startOps(opts: DnsServerOptions, index: ClusterIndex, metrics: DnsMetrics, closers: Array<() => Promise<void> | void>): Promise<Record<string, number>> {
  const wanted: Array<[string, string | undefined, string, Route]> = [
    ['health', opts.healthListen, '0.0.0.0:8080', () => ({ status: 200, body: 'OK' })],
    ['ready', opts.readyListen, '0.0.0.0:8181', () => (index.synced ? { status: 200, body: 'OK' } : { status: 503, body: 'kubernetes' })],
    ['metrics', opts.metricsListen, '0.0.0.0:9153', () => ({ status: 200, body: metrics.render(), type: 'text/plain; version=0.0.4; charset=utf-8' })],
  ];
  // Endpoints given the same address share one listener, as CoreDNS's plugins may.
  const byAddress = new Map<string, Array<[string, Route]>>();
  for (const [name, given, fallback, route] of wanted) {
    const addr = given ?? fallback;
    if (addr === '') continue;
    byAddress.set(addr, [...(byAddress.get(addr) ?? []), [name, route]]);
  }
  const ports: Record<string, number> = {};
  for (const [addr, list] of byAddress) {
    const ep: OpsEndpoint = await serveOps(parseHostPort(addr), Object.fromEntries(list.map(([n, r]) => [`/${n}`, r])));
    closers.push(() => ep.close());
    for (const [n] of list) ports[n] = ep.port;
  }
  return ports;
}

/** The glue for `ns.dns.<zone>`: the listen address when it is a real one, else loopback. */
function nsAddressesFor(listen: HostPort): string[] {
  return listen.host === '0.0.0.0' || listen.host === '::' ? ['127.0.0.1'] : [listen.host];
}

export { ClusterIndex } from './cluster-index.js';
export type { DnsSources, ObjectSource } from './controller.js';
export { serviceFromApi, sliceFromApi } from './from-api.js';
