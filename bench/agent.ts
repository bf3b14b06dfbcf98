/**
 * Agent benchmark (root only): pod start latency for 100 nginx pods (no readiness probe, so a pod
 * is Ready once its container runs), from the start of the create request to the moment a watch
 * on the API server (an informer) sees the pod's Ready condition True. Two ways: "sequential", each
 * pod created once the previous one is Ready, and "burst", all created at once. Then how many
 * nginx pods one node holds (the node's /24 allows 253) and the memory each costs (PSS).
 * Runs the agent in a test network namespace exactly as agent/test does; the API server runs in
 * this process. The machine's load average is recorded with each figure (the machine is shared).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { clientFromKubeconfig, Informer, type ApiClient } from '../client/index.js';
import { startApiFixture } from '../testing/api-fixture.js';
import { canRunNodeTests, sh, TestNode } from '../agent/test/netns-harness.js';
import { podNetnsName } from '../agent/names.js';
import { podManifest, podsRI, waitFor } from '../agent/test/helpers.js';
import type { Pod } from '../agent/pod/types.js';
import { rssMiB, round, summarize } from './stats.js';

/** Proportional set size (shared pages split between sharers) of every process in the pods' namespaces. */
function podsPssMiB(node: TestNode): number {
  let kb = 0;
  for (const hash of node.recordedHashes()) {
    for (const pid of sh('ip', ['netns', 'pids', podNetnsName(hash)]).stdout.split('\n').filter(Boolean)) {
      try {
        kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      } catch {
        // exited meanwhile
      }
    }
  }
  return kb / 1024;
}

/** Resolves per pod name when its Ready condition first turns True (start() once the informer has listed). */
function readyWatcher(client: ApiClient) {
  const readyAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  // An informer rather than a bare watch: it re-watches when the server ends a watch.
  const informer = new Informer<Pod>(client, podsRI, { namespace: 'default' });
  const seen = (p: Pod) => {
    const name = p.metadata?.name;
    if (!name || readyAt.has(name)) return;
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) {
      readyAt.set(name, performance.now());
      waiters.get(name)?.();
    }
  };
  informer.addEventHandler({ onAdd: seen, onUpdate: (_o, p) => seen(p) });
  return {
    start: async () => {
      informer.start();
      await informer.waitForSync();
    },
    ready: (name: string) => new Promise<number>((resolve) => (readyAt.has(name) ? resolve(readyAt.get(name)!) : waiters.set(name, () => resolve(readyAt.get(name)!)))),
    close: () => informer.stop(),
  };
}

async function startLatencies(client: ApiClient, nodeName: string, names: string[], concurrent: boolean, watcher: ReturnType<typeof readyWatcher>): Promise<number[]> {
  const create = async (name: string) => {
    const t0 = performance.now();
    await client.create(podsRI, 'default', podManifest(name, nodeName, { terminationGracePeriodSeconds: 1, containers: [{ name: 'nginx', image: 'nginx' }] }));
    return (await watcher.ready(name)) - t0;
  };
  if (concurrent) return Promise.all(names.map(create));
  const out: number[] = [];
  for (const n of names) out.push(await create(n));
  return out;
}

async function deleteAll(client: ApiClient, prefix: string): Promise<void> {
  const names = (await client.list<Pod>(podsRI, 'default')).items.map((p) => p.metadata.name!).filter((n) => n.startsWith(prefix));
  for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((n) => client.delete(podsRI, 'default', n).catch(() => {})));
  await waitFor(`${prefix}* deleted`, async () => ((await client.list<Pod>(podsRI, 'default')).items.some((p) => p.metadata.name!.startsWith(prefix)) ? undefined : true), 180_000, 500);
}

export async function benchAgent(opts: { pods?: number; fill?: number } = {}): Promise<Record<string, unknown>> {
  const skip = canRunNodeTests();
  if (skip) return { skipped: skip };
  const pods = opts.pods ?? 100;
  const fill = opts.fill ?? 250;
  const fx = await startApiFixture();
  const node = new TestNode();
  const client = await clientFromKubeconfig({ path: fx.server.kubeconfigPath });
  try {
    await node.setup(Number(new URL(fx.server.url).port));
    await node.startAgent(node.kubeconfigFor(fx.server.kubeconfigPath));
    const nodeName = `node-${node.netns.slice(-6)}`;
    const watcher = readyWatcher(client);
    await watcher.start();
    const load1 = () => round(loadavg()[0]);
    const seqLoad = load1();
    const sequential = await startLatencies(client, nodeName, Array.from({ length: pods }, (_, i) => `seq-${i}`), false, watcher);
    await deleteAll(client, 'seq-');
    const burstLoad = load1();
    const burst = await startLatencies(client, nodeName, Array.from({ length: pods }, (_, i) => `burst-${i}`), true, watcher);
    await deleteAll(client, 'burst-');

    const agentBefore = await rssMiB(node.agent!.pid!);
    const t0 = performance.now();
    await startLatencies(client, nodeName, Array.from({ length: fill }, (_, i) => `fill-${i}`), true, watcher);
    const fillSeconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const podsPss = podsPssMiB(node);
    const agentAfter = await rssMiB(node.agent!.pid!);
    const t1 = performance.now();
    await deleteAll(client, 'fill-');
    const deleteSeconds = (performance.now() - t1) / 1000;
    await watcher.close();
    const seqStats = summarize(sequential);
    const burstStats = summarize(burst);
    return {
      podStartMs: {
        measures: 'create request sent → Ready condition True seen by a watch on the API server; nginx pods without a readiness probe',
        sequential: { ...seqStats, how: `${pods} pods, each created once the previous one is Ready`, load1: seqLoad, goalMet: seqStats.p99 < 500 },
        burst: { ...burstStats, how: `${pods} pods created at once`, load1: burstLoad, goalMet: burstStats.p99 < 500 },
      },
      goalP99Ms: 500,
      capacity: {
        pods: fill,
        limit: 'the node /24 holds 253 pod addresses (the kubelet default max is 110); CPU and memory were not the limit',
        allReadySeconds: round(fillSeconds),
        deleteAllSeconds: round(deleteSeconds),
        memoryPerPodMiB: round(podsPss / fill),
        memoryMeasure: 'PSS of the processes in the pod namespaces (nginx master + 1 worker); the agent itself is agentRssMiB',
        agentRssMiB: { before: agentBefore, after: agentAfter },
      },
      image: 'nginx (node nginx-light, 1 worker)',
    };
  } finally {
    client.close();
    await node.close();
    await fx.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  benchAgent().then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
