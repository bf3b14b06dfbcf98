/**
 * Agent benchmark (root only): pod start latency for 100 nginx pods (no readiness probe, so a pod
 * is Ready once its container runs), from the start of the create request to the moment a watch
 * on the API server (an informer) sees the pod's Ready condition True. Two ways: "sequential", each
 * pod created once the previous one is Ready, and "burst", all created at once. Then how many
 * nginx pods one node holds (the node's /24 allows 253) and the memory each costs (PSS).
 * Runs the agent in a test network namespace exactly as agent/test does; the API server runs in
 * this process. The machine's load average is recorded with each figure (the machine is shared).
 * The burst also gets a per-pod timeline (bench/agent-timeline.ts: the bench's marks joined with
 * the agent's trace) and the CPU the agent and the whole machine spent on it.
 * BENCH_AGENT_PARTS=sequential,burst,capacity picks parts (default all); BENCH_AGENT_MARKS=<file>
 * saves the burst's raw marks there (JSON lines); BENCH_AGENT_POOL=<n> sets the agent's sandbox pool
 * (pod networks made ahead, agent/net/sandbox-pool.ts; default: the agent's). The burst starts once
 * the pool is full, as on a node that was idle for a second or more.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFromKubeconfig, Informer, type ApiClient } from '../client/index.js';
import { startApiFixture } from '../testing/api-fixture.js';
import { canRunNodeTests, sh, TestNode } from '../agent/test/netns-harness.js';
import { podNetnsName } from '../agent/names.js';
import { podManifest, podsRI, waitFor } from '../agent/test/helpers.js';
import type { Pod } from '../agent/pod/types.js';
import { rssMiB, round, summarize } from './stats.js';
import { readMarks, spanStats, summarizeTimeline, type Mark } from './agent-timeline.js';
import { wallMs } from '../agent/trace.js';

const clockTicks = 100; // USER_HZ on Linux

/** CPU seconds of a process and its reaped children (/proc/<pid>/stat utime+stime+cutime+cstime). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / clockTicks;
}

/** Busy CPU seconds of the whole machine (/proc/stat, everything but idle and iowait). */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return (f.reduce((a, b) => a + b, 0) - f[3] - f[4]) / clockTicks;
}

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
      readyAt.set(name, wallMs());
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

async function startLatencies(client: ApiClient, nodeName: string, names: string[], concurrent: boolean, watcher: ReturnType<typeof readyWatcher>, marks: Mark[] = []): Promise<number[]> {
  const create = async (name: string) => {
    const pod = `default/${name}`;
    const t0 = wallMs();
    marks.push({ pod, step: 'create-sent', t: t0 });
    await client.create(podsRI, 'default', podManifest(name, nodeName, { terminationGracePeriodSeconds: 1, containers: [{ name: 'nginx', image: 'nginx' }] }));
    marks.push({ pod, step: 'created', t: wallMs() });
    const ready = await watcher.ready(name);
    marks.push({ pod, step: 'ready-seen', t: ready });
    return ready - t0;
  };
  if (concurrent) return Promise.all(names.map(create));
  const out: number[] = [];
  for (const n of names) out.push(await create(n));
  return out;
}

/**
 * Pods created at a steady rate, as Kubernetes' scalability tests create them (clusterloader2
 * paces creations): each start measured the way the pod startup SLI measures it, from the pod's
 * creation (the create answered: the object is stored; creationTimestamp has 1 s granularity) to
 * Ready observed via watch, and also from the create request sent.
 */
async function pacedLatencies(client: ApiClient, nodeName: string, names: string[], perSecond: number, watcher: ReturnType<typeof readyWatcher>): Promise<{ fromCreated: number[]; fromSent: number[] }> {
  const fromCreated: number[] = [];
  const fromSent: number[] = [];
  const starts: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < names.length; i++) {
    const due = t0 + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    starts.push(
      (async () => {
        const sent = wallMs();
        await client.create(podsRI, 'default', podManifest(names[i], nodeName, { terminationGracePeriodSeconds: 1, containers: [{ name: 'nginx', image: 'nginx' }] }));
        const created = wallMs();
        const ready = await watcher.ready(names[i]);
        fromCreated.push(ready - created);
        fromSent.push(ready - sent);
      })(),
    );
  }
  await Promise.all(starts);
  return { fromCreated, fromSent };
}

async function deleteAll(client: ApiClient, prefix: string): Promise<void> {
  const names = (await client.list<Pod>(podsRI, 'default')).items.map((p) => p.metadata.name!).filter((n) => n.startsWith(prefix));
  for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((n) => client.delete(podsRI, 'default', n).catch(() => {})));
  await waitFor(`${prefix}* deleted`, async () => ((await client.list<Pod>(podsRI, 'default')).items.some((p) => p.metadata.name!.startsWith(prefix)) ? undefined : true), 180_000, 500);
}

type Part = 'sequential' | 'paced' | 'burst' | 'capacity';

function chosenParts(): Set<Part> {
  const all: Part[] = ['sequential', 'paced', 'burst', 'capacity'];
  const asked = (process.env.BENCH_AGENT_PARTS ?? all.join(',')).split(',').filter(Boolean);
  for (const p of asked) if (!all.includes(p as Part)) throw new Error(`BENCH_AGENT_PARTS: unknown part ${p}; have: ${all.join(', ')}`);
  return new Set(asked as Part[]);
}

const load1 = () => round(loadavg()[0]);

export async function benchAgent(opts: { pods?: number; fill?: number } = {}): Promise<Record<string, unknown>> {
  const skip = canRunNodeTests();
  if (skip) return { skipped: skip };
  const pods = opts.pods ?? 100;
  const fill = opts.fill ?? 250;
  const parts = chosenParts();
  const tracePath = join(tmpdir(), `svcnet-agent-trace-${process.pid}.jsonl`);
  rmSync(tracePath, { force: true });
  // The agent child inherits the environment: it writes its pod start marks there.
  process.env.SVCNET_AGENT_TRACE = tracePath;
  if (process.env.BENCH_AGENT_POOL) process.env.SVCNET_AGENT_SANDBOX_POOL = process.env.BENCH_AGENT_POOL;
  const poolSize = Number(process.env.SVCNET_AGENT_SANDBOX_POOL ?? 32);
  const fx = await startApiFixture();
  const node = new TestNode();
  const client = await clientFromKubeconfig({ path: fx.server.kubeconfigPath });
  const podStartMs: Record<string, unknown> = { measures: 'create request sent → Ready condition True seen by a watch on the API server; nginx pods without a readiness probe' };
  const out: Record<string, unknown> = { parts: [...parts], podStartMs, goalP99Ms: 500 };
  try {
    await node.setup(Number(new URL(fx.server.url).port));
    await node.startAgent(node.kubeconfigFor(fx.server.kubeconfigPath));
    delete process.env.SVCNET_AGENT_TRACE;
    delete process.env.SVCNET_AGENT_SANDBOX_POOL;
    const nodeName = `node-${node.netns.slice(-6)}`;
    const agentPid = node.agent!.pid!;
    const watcher = readyWatcher(client);
    await watcher.start();
    if (parts.has('sequential')) {
      const load = load1();
      const stats = summarize(await startLatencies(client, nodeName, Array.from({ length: pods }, (_, i) => `seq-${i}`), false, watcher));
      podStartMs.sequential = { ...stats, how: `${pods} pods, each created once the previous one is Ready`, load1: load, goalMet: stats.p99 < 500 };
      await deleteAll(client, 'seq-');
    }
    if (parts.has('paced')) {
      const rates = (process.env.BENCH_AGENT_PACED_RATES ?? '20,50').split(',').map(Number);
      const paced: Record<string, unknown>[] = [];
      for (const perSecond of rates) {
        await new Promise((r) => setTimeout(r, 3000));
        await waitFor('sandbox pool full', () => node.poolReady() >= poolSize || undefined, 120_000, 200);
        const load = load1();
        // Names differ per rate: the watcher remembers when each name first became Ready.
        const r = await pacedLatencies(client, nodeName, Array.from({ length: pods }, (_, i) => `paced${perSecond}-${i}`), perSecond, watcher);
        const fromCreated = summarize(r.fromCreated);
        paced.push({ perSecond, fromCreated, fromCreateSent: summarize(r.fromSent), load1: load, goalMet: fromCreated.p99 < 500 });
        await deleteAll(client, `paced${perSecond}-`);
      }
      podStartMs.paced = { how: `${pods} pods created at a steady rate; fromCreated = create answered (the pod stored) → Ready seen by the watch, the span of Kubernetes' pod startup SLI`, runs: paced };
    }
    if (parts.has('burst')) {
      // A quiet moment first, so the sequential part's deletions do not count here, and a full pool.
      await new Promise((r) => setTimeout(r, 3000));
      await waitFor('sandbox pool full', () => node.poolReady() >= poolSize || undefined, 120_000, 200);
      const sandboxPool = { size: poolSize, readyAtStart: node.poolReady() };
      const load = load1();
      const names = Array.from({ length: pods }, (_, i) => `burst-${i}`);
      const marks: Mark[] = [];
      const cpu0 = { agent: processCpuSeconds(agentPid), machine: machineBusySeconds(), t: wallMs() };
      const mono0 = process.hrtime.bigint();
      const stats = summarize(await startLatencies(client, nodeName, names, true, watcher, marks));
      // CLOCK_MONOTONIC seconds, to cut a system-wide profile (perf record -k CLOCK_MONOTONIC) to the burst.
      if (process.env.BENCH_AGENT_MARKS) process.stderr.write(`burst monotonic window: ${Number(mono0) / 1e9} ${Number(process.hrtime.bigint()) / 1e9}\n`);
      const cpu = { agentSeconds: round(processCpuSeconds(agentPid) - cpu0.agent), machineBusySeconds: round(machineBusySeconds() - cpu0.machine), wallSeconds: round((wallMs() - cpu0.t) / 1000) };
      await new Promise((r) => setTimeout(r, 600)); // the agent's trace is flushed every 500 ms
      const all = [...marks, ...readMarks(tracePath)];
      if (process.env.BENCH_AGENT_MARKS) writeFileSync(process.env.BENCH_AGENT_MARKS, all.map((m) => JSON.stringify(m)).join('\n') + '\n');
      const podNames = names.map((n) => `default/${n}`);
      const timeline = summarizeTimeline(all, podNames);
      // The two halves of each pod's start: the API server answering the create (the bench's 100
      // creates at once, each on a new connection), and the agent's part, from its informer seeing
      // the pod to the bench's watch seeing it Ready.
      const split = {
        createAnswered: spanStats(all, podNames, 'create-sent', 'created'),
        createdToReadySeen: spanStats(all, podNames, 'created', 'ready-seen'),
        agentSeenToReadySeen: spanStats(all, podNames, 'seen', 'ready-seen'),
      };
      podStartMs.burst = { ...stats, how: `${pods} pods created at once`, load1: load, goalMet: stats.p99 < 500, sandboxPool, split, cpu, timeline };
      await deleteAll(client, 'burst-');
    }
    if (parts.has('capacity')) {
      const agentBefore = await rssMiB(agentPid);
      const t0 = performance.now();
      await startLatencies(client, nodeName, Array.from({ length: fill }, (_, i) => `fill-${i}`), true, watcher);
      const fillSeconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 2000));
      const podsPss = podsPssMiB(node);
      const agentAfter = await rssMiB(agentPid);
      const t1 = performance.now();
      await deleteAll(client, 'fill-');
      const deleteSeconds = (performance.now() - t1) / 1000;
      out.capacity = {
        pods: fill,
        limit: 'the node /24 holds 253 pod addresses (the kubelet default max is 110); CPU and memory were not the limit',
        allReadySeconds: round(fillSeconds),
        deleteAllSeconds: round(deleteSeconds),
        memoryPerPodMiB: round(podsPss / fill),
        memoryMeasure: 'PSS of the processes in the pod namespaces (nginx master + 1 worker); the agent itself is agentRssMiB',
        agentRssMiB: { before: agentBefore, after: agentAfter },
      };
    }
    await watcher.close();
    out.image = 'nginx (node nginx-light, 1 worker)';
    return out;
  } finally {
    delete process.env.SVCNET_AGENT_TRACE;
    delete process.env.SVCNET_AGENT_SANDBOX_POOL;
    client.close();
    await node.close();
    await fx.close();
    rmSync(tracePath, { force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  benchAgent().then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
