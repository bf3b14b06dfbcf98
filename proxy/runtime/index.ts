/**
 * `startProxy`: svcnet's kube-proxy — informers for Services, EndpointSlices and this Node, the
 * sync loop, the iptables or nftables backend, /healthz on 10256, /metrics on 10249 and the
 * health check node ports. `renderProxyRules` prints what a sync would apply, changing nothing.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { InformerFactory } from '../../client/informer-factory.js';
import { loadConnection } from '../../client/kubeconfig.js';
import { objectKey } from '../../client/object-cache.js';
import { ApiClient, type ResourceType } from '../../client/rest.js';
import { SvcnetError } from '../../common/errors.js';
import { logger } from '../../common/log.js';
import { buildProxyState, nodeIPsFromNode, nodeTopologyFromNode, type EndpointSliceJson, type NodeJson, type ServiceJson } from '../from-api.js';
import { renderIpvsTable } from '../ipvs/render.js';
import { hostRunner, type CommandRunner } from '../apply/runner.js';
import type { ProxyBackend } from './backend.js';
import { ClusterState } from './cluster-state.js';
import { closeServer, createHealthzServer, listen, ProxyHealth, ServiceHealthServers } from './health.js';
import { IptablesBackend } from './iptables-backend.js';
import { ProxyMetrics } from './metrics.js';
import { NftablesBackend } from './nftables-backend.js';
import { Proxier, type SyncEvent } from './proxier.js';

export type { SyncEvent } from './proxier.js';
export { ProxyMetrics } from './metrics.js';

const log = logger('proxy');

export type ProxyMode = 'iptables' | 'nftables' | 'ipvs';

export interface ProxyOptions {
  kubeconfig?: string;
  client?: ApiClient;
  /** Share the watches of a process running other components (`svcnet up`). */
  informers?: InformerFactory;
  mode?: ProxyMode;
  /** --hostname-override; default: the host name. */
  nodeName?: string;
  /** Pod network CIDR: traffic from outside it to cluster IPs is masqueraded. */
  clusterCIDR?: string;
  /** HOST:PORT, '' = off. Defaults 0.0.0.0:10256 and 127.0.0.1:10249 as kube-proxy. */
  healthzListen?: string;
  metricsListen?: string;
  /** Address the per-service health check node ports bind to (default 0.0.0.0; '' = off). */
  healthCheckBindAddress?: string;
  /** nftables mode: partial syncs as netlink batches when the addon is built (default true). */
  nftNetlink?: boolean;
  /** Tests: run iptables/nft/conntrack inside this network namespace. */
  netns?: string;
  /** Overrides the Node's addresses (primary first). */
  nodeIPs?: string[];
  minSyncPeriodMs?: number;
  syncPeriodMs?: number;
  fullSyncPeriodMs?: number;
  retryPeriodMs?: number;
  /** Called after every sync attempt (benchmarks, tests). */
  onSync?: (e: SyncEvent) => void;
}

export interface RunningProxy {
  readonly mode: 'iptables' | 'nftables';
  readonly metrics: ProxyMetrics;
  /** Bound ports ('healthz', 'metrics'), when enabled. */
  readonly ports: Readonly<Record<string, number>>;
  syncedOnce(): Promise<void>;
  close(): Promise<void>;
}

const resourcesUsed = {
  services: findResource('', 'v1', 'services')! as ResourceType,
  endpointSlices: findResource('discovery.k8s.io', 'v1', 'endpointslices')! as ResourceType,
  nodes: findResource('', 'v1', 'nodes')! as ResourceType,
};

/** IPVS needs the ip_vs module; svcnet only renders IPVS tables, it cannot program them. */
export function ipvsAvailable(): boolean {
  return existsSync('/proc/net/ip_vs');
}

function checkMode(mode: ProxyMode): 'iptables' | 'nftables' {
  if (mode === 'ipvs') {
    const why = ipvsAvailable() ? 'svcnet does not program IPVS' : 'this kernel has no IPVS (/proc/net/ip_vs is missing; the ip_vs module is not loaded or not built)';
    throw new SvcnetError('IpvsUnavailable', `proxy: --mode ipvs cannot run: ${why}; use --mode iptables or --mode nftables (\`svcnet proxy render --mode ipvs\` still prints the IPVS table)`);
  }
  return mode;
}

function makeBackend(mode: 'iptables' | 'nftables', runner: CommandRunner, opts: ProxyOptions, metrics: ProxyMetrics): ProxyBackend {
  return mode === 'nftables' ? new NftablesBackend(runner, { clusterCIDR: opts.clusterCIDR, netlink: opts.nftNetlink }, metrics) : new IptablesBackend(runner, { clusterCIDR: opts.clusterCIDR }, metrics);
}

async function clientFor(opts: { kubeconfig?: string; client?: ApiClient }): Promise<ApiClient> {
  return opts.client ?? new ApiClient(await loadConnection({ path: opts.kubeconfig }));
}

export async function startProxy(opts: ProxyOptions = {}): Promise<RunningProxy> {
  const mode = checkMode(opts.mode ?? 'iptables');
  const nodeName = opts.nodeName ?? hostname();
  const runner = hostRunner(opts.netns);
  const metrics = new ProxyMetrics();
  const syncPeriodMs = opts.syncPeriodMs ?? 30_000;
  // kube-proxy: healthTimeout = 2 × syncPeriod.
  const health = new ProxyHealth(2 * syncPeriodMs);
  const backend = makeBackend(mode, runner, opts, metrics);
  const hcBind = opts.healthCheckBindAddress ?? '0.0.0.0';
  const healthChecks = hcBind ? new ServiceHealthServers(hcBind, health) : undefined;
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    await backend.prepare();
    const proxier = new Proxier({
      backend,
      cluster: new ClusterState(4, nodeName),
      metrics,
      health,
      healthChecks,
      runner,
      nodeName,
      nodeIPs: opts.nodeIPs,
      minSyncPeriodMs: opts.minSyncPeriodMs ?? 1000,
      syncPeriodMs,
      fullSyncPeriodMs: opts.fullSyncPeriodMs ?? 3_600_000,
      retryPeriodMs: opts.retryPeriodMs ?? syncPeriodMs,
      onSync: opts.onSync,
    });
    proxier.start();
    closers.push(() => proxier.stop());
    if (healthChecks) closers.push(() => healthChecks.close());
    const ports: Record<string, number> = {};
    await startHttp('healthz', opts.healthzListen ?? '0.0.0.0:10256', createHealthzServer(health, metrics), ports, closers);
    await startHttp('metrics', opts.metricsListen ?? '127.0.0.1:10249', createMetricsServer(metrics), ports, closers);
    const stopInformers = await watchCluster(opts, proxier);
    closers.push(stopInformers);
    log.info('proxy started', { mode, nodeName, clusterCIDR: opts.clusterCIDR ?? '', netns: opts.netns ?? '' });
    let closing: Promise<void> | undefined;
    return { mode, metrics, ports, syncedOnce: () => proxier.syncedOnce, close: () => (closing ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function startHttp(name: string, address: string, server: Server, ports: Record<string, number>, closers: Array<() => Promise<void> | void>): Promise<void> {
  if (!address) return;
  ports[name] = await listen(server, address);
  closers.push(() => closeServer(server));
}

function createMetricsServer(metrics: ProxyMetrics): Server {
  return createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('404 page not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.render());
  });
}

/** Informers feed the proxier; once all three have listed, syncing may start. */
async function watchCluster(opts: ProxyOptions, proxier: Proxier): Promise<() => Promise<void>> {
  const factory = opts.informers ?? new InformerFactory(await clientFor(opts));
  const services = factory.informerFor<KubeObject & ServiceJson>(resourcesUsed.services);
  const slices = factory.informerFor<KubeObject & EndpointSliceJson>(resourcesUsed.endpointSlices);
  const nodes = factory.informerFor<KubeObject & NodeJson>(resourcesUsed.nodes);
  const unregister = [
    services.addEventHandler({
      onAdd: (s) => proxier.onService(objectKey(s), s),
      onUpdate: (_o, s) => proxier.onService(objectKey(s), s),
      onDelete: (s) => proxier.onService(objectKey(s), undefined),
    }),
    slices.addEventHandler({
      onAdd: (s) => proxier.onEndpointSlice(s, false),
      onUpdate: (_o, s) => proxier.onEndpointSlice(s, false),
      onDelete: (s) => proxier.onEndpointSlice(s, true),
    }),
    nodes.addEventHandler({
      onAdd: (n) => proxier.onNode(n),
      onUpdate: (_o, n) => proxier.onNode(n),
      onDelete: (n) => proxier.onNode(n, true),
    }),
  ];
  factory.start();
  let stopped = false;
  Promise.all([services.waitForSync(), slices.waitForSync(), nodes.waitForSync()]).then(
    () => !stopped && proxier.informersSynced(),
    (err) => !stopped && log.error('informers stopped before their first sync', { err }),
  );
  return async () => {
    stopped = true;
    for (const u of unregister) u();
    if (!opts.informers) await factory.stop();
  };
}

export interface RenderOptions {
  mode: ProxyMode;
  nodeName?: string;
  clusterCIDR?: string;
  nodeIPs?: string[];
}

/** `svcnet proxy render`: the full-sync text for the cluster as it is now; touches no kernel. */
export async function renderProxyRules(client: ApiClient, opts: RenderOptions): Promise<string> {
  const nodeName = opts.nodeName ?? hostname();
  const [services, slices, nodes] = await Promise.all([
    client.list<KubeObject & ServiceJson>(resourcesUsed.services),
    client.list<KubeObject & EndpointSliceJson>(resourcesUsed.endpointSlices),
    client.list<KubeObject & NodeJson>(resourcesUsed.nodes),
  ]);
  const node = nodes.items.find((n) => n.metadata.name === nodeName);
  const info = { nodeIPs: opts.nodeIPs ?? nodeIPsFromNode(node, 4), topology: nodeTopologyFromNode(node) };
  const state = buildProxyState(services.items, slices.items, { ipFamily: 4, nodeName });
  if (opts.mode === 'ipvs') return renderIpvsTable(state, { nodeIPs: info.nodeIPs, nodeTopology: info.topology });
  const nothing: CommandRunner = { run: async () => ({ code: 1, stdout: '', stderr: 'render: no commands run' }) };
  const backend = makeBackend(opts.mode, nothing, opts, new ProxyMetrics());
  return backend.render(state, info);
}

/** `svcnet proxy --cleanup`: removes iptables chains and jumps and the nftables table. */
export async function cleanupProxyRules(opts: { netns?: string } = {}): Promise<void> {
  const runner = hostRunner(opts.netns);
  const metrics = new ProxyMetrics();
  await new IptablesBackend(runner, {}, metrics).cleanup();
  await new NftablesBackend(runner, {}, metrics).cleanup();
}
