/**
 * Proxy benchmark (issue #5): network programming latency — from a Service or EndpointSlice write
 * acknowledged by the API server to the end of the sync that put it in the kernel — at 100, 1,000
 * and 10,000 Services × 10 endpoints, in iptables and nftables mode, inside a namespace the
 * benchmark makes. Endpoint changes (one endpoint moved to a new address) and Service changes (a
 * Service created, then deleted) are measured separately; after each sample the kernel is asked
 * whether it really has the change (iptables -S / nft list chain), outside the timed window.
 * Also the latency of new connections to the last-added Service (the last rule in KUBE-SERVICES
 * order). The API server runs as its own process; the proxy runs in this one (minSyncPeriod 0, so
 * the sync-rate limit, 1 s by default, does not add to the figures). Mode "nftables" sends partial
 * syncs as nf_tables netlink batches when the addon is built; "nftables-nft"
 * (BENCH_PROXY_MODES=nftables,nftables-nft) pipes every sync to nft, for comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSvcnet, waitForOutput } from '../testing/spawn-svcnet.js';
import { loadConnection } from '../client/kubeconfig.js';
import { ApiClient } from '../client/rest.js';
import { setLogSink } from '../common/log.js';
import type { KubeObject } from '../api/types.js';
import { startProxy, type SyncEvent } from '../proxy/runtime/index.js';
import { Lab, labPodCIDR } from '../proxy/runtime/testing/lab.js';
import { nodeObject, nodesResource, serviceObject, servicesResource, sliceObject, sliceResource } from '../proxy/runtime/testing/cluster-objects.js';
import { iptablesEndpointChain, iptablesServiceChain, nftEndpointChainBase, nftServiceChainBase } from '../proxy/hash.js';
import { percentile, round, summarize } from './stats.js';
import { runConcurrently } from './load.js';

export interface ProxyBenchOptions {
  sizes?: number[];
  /** "nftables" sends partial syncs as netlink batches (when the addon is built); "nftables-nft" pipes every sync to nft. */
  modes?: Mode[];
  endpointsPerService?: number;
  /** Endpoint changes measured per size and mode (fewer at 10,000: each sync takes seconds). */
  samples?: (size: number) => number;
  /** Services created (and then deleted) per size and mode. */
  serviceSamples?: (size: number) => number;
  connections?: number;
}

const nodeName = 'svcnet-bench-node';

/** Distinct fake endpoint addresses outside the pod and service ranges. */
function fakeEndpointIP(n: number): string {
  return `10.${128 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** Waits for the first successful sync that included a given service ("ns/name"). */
class SyncWatcher {
  readonly #waiters = new Map<string, (e: SyncEvent) => void>();
  readonly events: SyncEvent[] = [];

  /** Rejects on the first failed sync: the proxy retries only after its sync period (an hour here). */
  readonly failed: Promise<never>;
  #fail: (err: Error) => void = () => {};

  constructor() {
    this.failed = new Promise<never>((_, reject) => (this.#fail = reject));
    this.failed.catch(() => {});
  }

  onSync = (e: SyncEvent): void => {
    this.events.push(e);
    if (!e.ok) return this.#fail(new Error(`a ${e.full ? 'full' : 'partial'} sync failed: ${String(e.error)}`));
    for (const key of e.changedServices) {
      const w = this.#waiters.get(key);
      if (w) (this.#waiters.delete(key), w(e));
    }
  };

  next(key: string, timeoutMs = 300_000): Promise<SyncEvent> {
    const synced = new Promise<SyncEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync of ${key} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.set(key, (e) => (clearTimeout(timer), resolve(e)));
    });
    synced.catch(() => {}); // the race reports it; a late timeout after a failure is not unhandled
    return Promise.race([synced, this.failed]);
  }
}

export async function benchProxy(opts: ProxyBenchOptions = {}): Promise<Record<string, unknown>> {
  const skip = Lab.canRun();
  if (skip) return { skipped: skip };
  const sizes = opts.sizes ?? listFromEnv('BENCH_PROXY_SIZES', Number) ?? [100, 1000, 10_000];
  const modes = opts.modes ?? listFromEnv('BENCH_PROXY_MODES', parseMode) ?? ['iptables', 'nftables'];
  const perService = opts.endpointsPerService ?? 10;
  const samplesFor = opts.samples ?? ((n: number) => (n >= 10_000 ? 20 : 40));
  const serviceSamplesFor = opts.serviceSamples ?? ((n: number) => (n >= 10_000 ? 5 : 10));
  if (!process.env.SVCNET_BENCH_LOGS) setLogSink(() => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'svcnet-bench-proxy-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawnSvcnet(['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--advertise-address', '192.0.2.10']);
  const results: Record<string, unknown>[] = [];
  try {
    await waitForOutput(server, /API server ready/);
    const client = new ApiClient(await loadConnection({ path: join(dataDir, 'kubeconfig.yaml') }));
    await client.create(nodesResource, undefined, nodeObject(nodeName, '192.168.77.1'));
    let created = 0;
    for (const size of sizes) {
      const t0 = performance.now();
      await runConcurrently(size - created, 16, async (k) => {
        const i = created + k;
        await client.create(servicesResource, 'default', serviceObject(`bench-${i}`, { selector: { app: `b${i}` }, ports: [{ port: 80, targetPort: 8080 }] }));
        await client.create(sliceResource, 'default', sliceObject(`bench-${i}`, Array.from({ length: perService }, (_, j) => ({ ip: fakeEndpointIP(i * perService + j), nodeName: 'elsewhere' }))));
      });
      const populateSeconds = (performance.now() - t0) / 1000;
      created = size;
      for (const mode of modes) {
        process.stderr.write(`bench proxy: ${size} services, ${mode}…\n`);
        const result = { services: size, endpoints: size * perService, mode, populateSeconds: round(populateSeconds, 1), ...(await measure(client, mode, size, perService, { endpoints: samplesFor(size), services: serviceSamplesFor(size) }, opts.connections ?? 50)) };
        results.push(result);
        // Long runs: each result is on stderr as soon as it exists.
        process.stderr.write(JSON.stringify(result) + '\n');
      }
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const p99At = (n: number, mode: string, what: 'endpointChangeMs' | 'serviceChangeMs') => (results.find((r) => r.services === n && r.mode === mode)?.[what] as { p99?: number } | undefined)?.p99;
  return {
    minSyncPeriodMs: 0,
    results,
    goals: Object.fromEntries(modes.flatMap((m) => [
      [`${m}: endpoint change p99 < 100 ms at 1,000`, (p99At(1000, m, 'endpointChangeMs') ?? Infinity) < 100],
      [`${m}: endpoint change p99 < 1 s at 10,000`, (p99At(10_000, m, 'endpointChangeMs') ?? Infinity) < 1000],
      [`${m}: Service change p99 < 100 ms at 1,000`, (p99At(1000, m, 'serviceChangeMs') ?? Infinity) < 100],
      [`${m}: Service change p99 < 1 s at 10,000`, (p99At(10_000, m, 'serviceChangeMs') ?? Infinity) < 1000],
    ])),
  };
}

type Mode = 'iptables' | 'nftables' | 'nftables-nft';

/** The proxy mode the kernel sees: nftables-nft is nftables with the netlink path turned off. */
function proxyMode(mode: Mode): 'iptables' | 'nftables' {
  return mode === 'iptables' ? 'iptables' : 'nftables';
}

/** Keeps the addresses each mode writes apart (all modes share the API server). */
const modeOffset: Record<Mode, number> = { iptables: 0, nftables: 5000, 'nftables-nft': 10_000 };

/** How the nftables transactions of a run reached the kernel (svcnet_proxy_nftables_transactions_total). */
function nftablesPaths(metrics: string): Record<string, number> {
  return Object.fromEntries([...metrics.matchAll(/svcnet_proxy_nftables_transactions_total\{path="(\w+)"\} (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

/** BENCH_PROXY_SIZES=10000 / BENCH_PROXY_MODES=nftables: one size or mode of a long run. */
function listFromEnv<T>(name: string, parse: (s: string) => T): T[] | undefined {
  const raw = process.env[name];
  return raw ? raw.split(',').filter(Boolean).map(parse) : undefined;
}

function parseMode(s: string): Mode {
  if (s !== 'iptables' && s !== 'nftables' && s !== 'nftables-nft') throw new Error(`BENCH_PROXY_MODES: unknown mode ${s}`);
  return s;
}

/** The 1-minute load average, recorded next to every figure (shared 2-core machine). */
function load1(): number {
  return round(loadavg()[0]!, 2);
}

/** Whether the kernel's rules send default/<service> (unnamed TCP port) to ip:8080. */
async function kernelHasEndpoint(lab: Lab, mode: Mode, service: string, ip: string): Promise<boolean> {
  const list = async (args: string[]) => (await lab.execAsync(lab.nodeNs, proxyMode(mode) === 'iptables' ? 'iptables' : 'nft', args)).stdout;
  if (mode === 'iptables') {
    const name = `default/${service}`;
    const sep = iptablesEndpointChain(name, 'tcp', `${ip}:8080`);
    const [svc, ep] = await Promise.all([list(['-w', '5', '-t', 'nat', '-S', iptablesServiceChain('clusterPolicy', name, 'tcp')]), list(['-w', '5', '-t', 'nat', '-S', sep])]);
    return svc.includes(`-j ${sep}`) && ep.includes(`--to-destination ${ip}:8080`);
  }
  const endpoint = `endpoint-${nftEndpointChainBase('default', service, 'tcp', '', ip, 8080)}`;
  const [svc, ep] = await Promise.all([list(['list', 'chain', 'ip', 'kube-proxy', `service-${nftServiceChainBase('default', service, 'tcp', '')}`]), list(['list', 'chain', 'ip', 'kube-proxy', endpoint])]);
  return svc.includes(`goto ${endpoint}`) && ep.includes(`dnat to ${ip}:8080`);
}

async function measure(client: ApiClient, mode: Mode, size: number, perService: number, samples: { endpoints: number; services: number }, connections: number): Promise<Record<string, unknown>> {
  const lab = new Lab().setUp();
  const watcher = new SyncWatcher();
  const pod = await lab.addPod('backend');
  const proxy = await startProxy({ client, mode: proxyMode(mode), nftNetlink: mode !== 'nftables-nft', nodeName, clusterCIDR: labPodCIDR, netns: lab.nodeNs, healthzListen: '', metricsListen: '', healthCheckBindAddress: '', minSyncPeriodMs: 0, syncPeriodMs: 3_600_000, onSync: watcher.onSync });
  try {
    const t0 = performance.now();
    const loadBeforeInitialSync = load1();
    await Promise.race([proxy.syncedOnce(), watcher.failed]);
    const initialSyncSeconds = (performance.now() - t0) / 1000;
    const loadAfterInitialSync = load1();
    const endpointChanges = await measureEndpointChanges(client, lab, watcher, mode, size, perService, samples.endpoints);
    const loadAfterEndpointChanges = load1();
    const serviceChangeMs = await measureServiceChanges(client, lab, watcher, mode, samples.services);
    const loadAfterServiceChanges = load1();
    const { newServiceMs, tally } = await measureLastService(client, lab, watcher, mode, pod.ip, connections);
    const syncs = watcher.events.filter((x) => x.ok);
    return {
      load1: { beforeInitialSync: loadBeforeInitialSync, afterInitialSync: loadAfterInitialSync, afterEndpointChanges: loadAfterEndpointChanges, afterServiceChanges: loadAfterServiceChanges },
      initialSyncSeconds: round(initialSyncSeconds, 2),
      endpointChangeMs: summarize(endpointChanges.fromAck),
      endpointChangeFromRequestSentMs: summarize(endpointChanges.fromSend),
      serviceChangeMs: summarize(serviceChangeMs),
      newServiceMs,
      syncDurationMs: summarize(syncs.map((x) => x.finishedAt - x.startedAt)),
      fullSyncs: syncs.filter((x) => x.full).length,
      ...(mode === 'iptables' ? {} : { nftablesTransactions: nftablesPaths(proxy.metrics.render()) }),
      newConnectionMs: { ...summarize(tally.ms), errors: tally.errors, p99: round(percentile(tally.ms, 99), 3), p50: round(percentile(tally.ms, 50), 3) },
    };
  } finally {
    await proxy.close();
    await lab.close();
  }
}

/** One endpoint of a random Service moved to a fresh address, `samples` times, one at a time. */
async function measureEndpointChanges(client: ApiClient, lab: Lab, watcher: SyncWatcher, mode: Mode, size: number, perService: number, samples: number): Promise<{ fromAck: number[]; fromSend: number[] }> {
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(Math.random() * size);
    const key = `default/bench-${i}`;
    const slice = await client.get<KubeObject & { endpoints: Array<{ addresses: string[] }> }>(sliceResource, 'default', `bench-${i}-svcnet`);
    const ip = fakeEndpointIP(size * perService + 1000 + s + modeOffset[mode]);
    slice.endpoints[0]!.addresses = [ip];
    const synced = watcher.next(key);
    const sent = performance.now();
    await client.update(sliceResource, 'default', slice);
    const ack = performance.now();
    const e = await synced;
    fromAck.push(Math.max(0, e.finishedAt - ack));
    fromSend.push(e.finishedAt - sent);
    if (!(await kernelHasEndpoint(lab, mode, `bench-${i}`, ip))) throw new Error(`${mode}: the kernel does not send ${key} to ${ip} after its sync`);
  }
  return { fromAck, fromSend };
}

/** New Services (their slice written first, so the Service write is the one measured), then their deletion. */
async function measureServiceChanges(client: ApiClient, lab: Lab, watcher: SyncWatcher, mode: Mode, samples: number): Promise<number[]> {
  const ms: number[] = [];
  const timed = async (key: string, write: () => Promise<unknown>) => {
    const synced = watcher.next(key);
    await write();
    const ack = performance.now();
    ms.push(Math.max(0, (await synced).finishedAt - ack));
  };
  for (let s = 0; s < samples; s++) {
    const name = `bench-new-${mode}-${s}`;
    const ip = fakeEndpointIP(900_000 + s + modeOffset[mode]);
    const sliceSynced = watcher.next(`default/${name}`);
    await client.create(sliceResource, 'default', sliceObject(name, [{ ip, nodeName: 'elsewhere' }]));
    await sliceSynced;
    await timed(`default/${name}`, () => client.create(servicesResource, 'default', serviceObject(name, { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] })));
    if (!(await kernelHasEndpoint(lab, mode, name, ip))) throw new Error(`${mode}: the kernel has no rules for the new Service ${name}`);
    await timed(`default/${name}`, () => client.delete(servicesResource, 'default', name));
    await client.delete(sliceResource, 'default', `${name}-svcnet`);
  }
  return ms;
}

/** A new Service (last in KUBE-SERVICES order) backed by the one real pod, and connections to it. */
async function measureLastService(client: ApiClient, lab: Lab, watcher: SyncWatcher, mode: Mode, podIP: string, connections: number): Promise<{ newServiceMs: number; tally: Awaited<ReturnType<Lab['http']>> }> {
  const name = `zzzz-last-${mode}`;
  // The slice first (its sync has no Service yet), so the Service write is the one measured.
  const sliceSynced = watcher.next(`default/${name}`);
  await client.create(sliceResource, 'default', sliceObject(name, [{ ip: podIP, nodeName }]));
  await sliceSynced;
  const synced = watcher.next(`default/${name}`);
  const svc = await client.create<KubeObject & { spec: { clusterIP: string } }>(servicesResource, 'default', serviceObject(name, { selector: { app: 'last' }, ports: [{ port: 80, targetPort: 8080 }] }) as KubeObject & { spec: { clusterIP: string } });
  const ack = performance.now();
  const e = await synced;
  const newServiceMs = round(Math.max(0, e.finishedAt - ack));
  const tally = await lab.http(lab.nodeNs, svc.spec.clusterIP, 80, connections);
  await client.delete(servicesResource, 'default', name);
  await client.delete(sliceResource, 'default', `${name}-svcnet`);
  return { newServiceMs, tally };
}
