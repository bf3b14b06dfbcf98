/**
 * API server benchmark (issue: the foundation): create throughput, p99 latency of writes and of
 * watch delivery, LIST latency and server memory at 10,000 Services and 100,000 endpoints.
 * The server runs as its own process (`svcnet server`), the load comes from this one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSvcnet, waitForOutput } from '../testing/spawn-svcnet.js';
import { apiRequest, targetFromKubeconfig, type ApiTarget } from '../testing/api-request.js';
import { percentile, round, rssMiB, summarize } from './stats.js';
import { runConcurrently, watchEvents } from './load.js';

export interface ApiBenchOptions {
  services: number;
  slices: number;
  endpointsPerSlice: number;
  concurrency: number;
}

/** Opens a watch and records when each named object first arrives. */
function watchArrivals(t: ApiTarget, path: string, rv: string, arrivals: Map<string, number>): { close(): void } {
  return watchEvents<{ object?: { metadata?: { name?: string } } }>(t, path, rv, (ev, at) => {
    const name = ev.object?.metadata?.name;
    if (name && !arrivals.has(name)) arrivals.set(name, at);
  });
}

export async function benchApiServer(opts: ApiBenchOptions): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'svcnet-bench-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawnSvcnet(['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--advertise-address', '192.0.2.10']);
  try {
    await waitForOutput(child, /API server ready/);
    const t = targetFromKubeconfig(join(dataDir, 'kubeconfig.yaml'));
    const idleRss = await rssMiB(child.pid!);
    const startRv = (await apiRequest(t, 'GET', '/api/v1/services')).json().metadata.resourceVersion;
    const arrivals = new Map<string, number>();
    const watch = watchArrivals(t, '/api/v1/services', startRv, arrivals);
    await new Promise((r) => setTimeout(r, 200));

    const started = new Map<string, number>();
    const writeLatencies: number[] = [];
    let failures = 0;
    const t0 = performance.now();
    await runConcurrently(opts.services, opts.concurrency, async (i) => {
      const name = `bench-${i}`;
      const body = { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: `a${i % 100}` } }, spec: { selector: { app: `a${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
      const s = performance.now();
      started.set(name, s);
      const r = await apiRequest(t, 'POST', '/api/v1/namespaces/default/services', body);
      if (r.status !== 201) failures++;
      writeLatencies.push(performance.now() - s);
    });
    const createSeconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    watch.close();
    const watchLatencies = [...started].filter(([n]) => arrivals.has(n)).map(([n, s]) => arrivals.get(n)! - s);

    const sliceT0 = performance.now();
    await runConcurrently(opts.slices, opts.concurrency, async (i) => {
      const endpoints = Array.from({ length: opts.endpointsPerSlice }, (_, j) => ({ addresses: [`10.${(i >> 8) & 255}.${i & 255}.${j + 1}`], conditions: { ready: true }, nodeName: 'node1' }));
      const body = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `bench-${i}-x`, labels: { 'kubernetes.io/service-name': `bench-${i}` } }, addressType: 'IPv4', endpoints, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
      const r = await apiRequest(t, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', body);
      if (r.status !== 201) failures++;
    });
    const sliceSeconds = (performance.now() - sliceT0) / 1000;

    const listJson: number[] = [];
    const listTable: number[] = [];
    let listedItems = 0;
    for (let k = 0; k < 10; k++) {
      let s = performance.now();
      const r = await apiRequest(t, 'GET', '/api/v1/namespaces/default/services');
      listJson.push(performance.now() - s);
      listedItems = r.json().items.length;
      s = performance.now();
      await apiRequest(t, 'GET', '/api/v1/namespaces/default/services?limit=500', undefined, 'application/json', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
      listTable.push(performance.now() - s);
    }
    const fullTable: number[] = [];
    for (let k = 0; k < 5; k++) {
      const s = performance.now();
      await apiRequest(t, 'GET', '/api/v1/namespaces/default/services', undefined, 'application/json', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
      fullTable.push(performance.now() - s);
    }
    const sliceList: number[] = [];
    for (let k = 0; k < 5; k++) {
      const s = performance.now();
      await apiRequest(t, 'GET', '/apis/discovery.k8s.io/v1/endpointslices');
      sliceList.push(performance.now() - s);
    }
    return {
      services: opts.services,
      endpoints: opts.slices * opts.endpointsPerSlice,
      concurrency: opts.concurrency,
      failures,
      createThroughputPerSec: round(opts.services / createSeconds, 0),
      writeLatencyMs: summarize(writeLatencies),
      watchDeliveryLatencyMs: { ...summarize(watchLatencies), measuredFrom: 'request sent', delivered: watchLatencies.length },
      endpointSliceCreatesPerSec: round(opts.slices / sliceSeconds, 0),
      listServicesJsonMs: { ...summarize(listJson), items: listedItems },
      listServicesTableFirstPageMs: summarize(listTable),
      listServicesTableAllMs: summarize(fullTable),
      listEndpointSlicesMs: summarize(sliceList),
      serverRssMiB: { idle: idleRss, loaded: await rssMiB(child.pid!) },
      goals: {
        p99MutatingUnder100ms: percentile(writeLatencies, 99) < 100,
        list10kServicesUnder500ms: percentile(listJson, 99) < 500 && percentile(fullTable, 99) < 500,
      },
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
