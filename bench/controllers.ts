/**
 * EndpointSlice controller benchmark: how long after a pod's Ready status write is acknowledged
 * a watcher sees that pod ready in its Service's slice (p50/p99), at 1,000 Services and 10,000
 * pods, plus the controller's initial sync time and memory. Goal: p99 < 50 ms.
 *
 * Three processes, as in a cluster: the API server (`svcnet server`), the controller (this file
 * run as a script with BENCH_CONTROLLER_KUBECONFIG set), and this one, which plays the kubelets
 * and watches the slices.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiRequest, targetFromKubeconfig, type ApiTarget } from '../testing/api-request.js';
import { spawnSvcnet, svcnetCommand, waitForOutput } from '../testing/spawn-svcnet.js';
import { percentile, round, rssMiB, summarize } from './stats.js';
import { runConcurrently, watchEvents } from './load.js';

export interface ControllerBenchOptions {
  services?: number;
  podsPerService?: number;
  /** Pods turned Ready one after another, each measured. */
  flips?: number;
  /** Flips in flight at once (1 = each waits for the previous one to be seen). */
  concurrency?: number;
  /** Endpoints per slice (upstream default 100). */
  maxEndpointsPerSlice?: number;
}

const goalP99Ms = 50;

interface WatchLine {
  object?: {
    metadata?: { name?: string };
    status?: { conditions?: { type?: string; status?: string }[] };
    endpoints?: { conditions?: { ready?: boolean }; targetRef?: { name?: string } }[];
  };
}

/** Resolves with the time `key` is reported, or undefined after `ms`. */
class Arrivals {
  readonly #waiting = new Map<string, (at: number) => void>();
  expect(key: string, ms: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        resolve(undefined);
      }, ms);
      this.#waiting.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }
  report(key: string, at: number): void {
    const done = this.#waiting.get(key);
    if (!done) return;
    this.#waiting.delete(key);
    done(at);
  }
}

function podStatus(ip: string, ready: boolean): Record<string, unknown> {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: time }] } };
}

const podIP = (i: number) => `10.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

async function seed(t: ApiTarget, services: number, podsPerService: number): Promise<number> {
  let failures = 0;
  const ok = (status: number) => {
    if (status >= 300) failures++;
  };
  await apiRequest(t, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } }).then((r) => ok(r.status));
  await runConcurrently(services, 16, async (i) => {
    const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}` }, spec: { selector: { app: `a${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
    ok((await apiRequest(t, 'POST', '/api/v1/namespaces/default/services', body)).status);
  });
  await runConcurrently(services * podsPerService, 16, async (i) => {
    const name = `pod-${i}`;
    const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: `a${i % services}` } }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } };
    ok((await apiRequest(t, 'POST', '/api/v1/namespaces/default/pods', body)).status);
    ok((await apiRequest(t, 'PATCH', `/api/v1/namespaces/default/pods/${name}/status`, podStatus(podIP(i), false), 'application/merge-patch+json')).status);
  });
  return failures;
}

function startControllerProcess(kubeconfig: string, maxEndpointsPerSlice: number): ChildProcess {
  const { command, args } = svcnetCommand();
  const self = fileURLToPath(import.meta.url);
  // svcnetCommand says how to run TypeScript (tsx) or JavaScript here; run this file the same way.
  const pre = args.slice(0, -1);
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const { BENCH_CONTROLLERS_MAIN: _main, ...env } = process.env;
  return spawn(command, ['--expose-gc', ...profile, ...pre, self], { env: { ...env, BENCH_CONTROLLER_KUBECONFIG: kubeconfig, BENCH_MAX_PER_SLICE: String(maxEndpointsPerSlice) }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function benchEndpointSlices(opts: ControllerBenchOptions = {}): Promise<Record<string, unknown>> {
  const services = opts.services ?? 1000;
  const podsPerService = opts.podsPerService ?? 10;
  const flips = opts.flips ?? 1000;
  const concurrency = opts.concurrency ?? 1;
  const dataDir = mkdtempSync(join(tmpdir(), 'svcnet-bench-ctl-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawnSvcnet(['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--advertise-address', '192.0.2.10']);
  let controller: ChildProcess | undefined;
  try {
    await waitForOutput(server, /API server ready/);
    const kubeconfig = join(dataDir, 'kubeconfig.yaml');
    const t = targetFromKubeconfig(kubeconfig);
    const seedStart = performance.now();
    const seedFailures = await seed(t, services, podsPerService);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const syncStart = performance.now();
    controller = startControllerProcess(kubeconfig, opts.maxEndpointsPerSlice ?? 100);
    const idleLine = await waitForOutput(controller, /controller idle .*\n/, 600_000);
    const initialSyncSeconds = (performance.now() - syncStart) / 1000;
    const controllerMemory = JSON.parse(/controller idle (.*)\n/.exec(idleLine)![1]) as Record<string, unknown>;
    const rssAfterSync = await rssMiB(controller.pid!);

    const sliceRv = (await apiRequest(t, 'GET', '/apis/discovery.k8s.io/v1/endpointslices?limit=1')).json().metadata.resourceVersion;
    const podRv = (await apiRequest(t, 'GET', '/api/v1/pods?limit=1')).json().metadata.resourceVersion;
    const inSlice = new Arrivals();
    const podSeen = new Arrivals();
    const sliceWatch = watchEvents<WatchLine>(t, '/apis/discovery.k8s.io/v1/endpointslices', sliceRv, (ev, at) => {
      for (const e of ev.object?.endpoints ?? []) if (e.conditions?.ready && e.targetRef?.name) inSlice.report(e.targetRef.name, at);
    });
    // The same watch on pods: what the API server alone costs, for comparison.
    const podWatch = watchEvents<WatchLine>(t, '/api/v1/pods', podRv, (ev, at) => {
      const ready = ev.object?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready && ev.object?.metadata?.name) podSeen.report(ev.object.metadata.name, at);
    });
    await new Promise((r) => setTimeout(r, 300));
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    const statusWrite: number[] = [];
    const podWatchFromAck: number[] = [];
    let missed = 0;
    const total = services * podsPerService;
    // Pods spread over all Services; each only once.
    const stride = Math.max(1, Math.floor(total / flips));
    await runConcurrently(Math.min(flips, total), concurrency, async (k) => {
      const i = (k * stride) % total;
      const name = `pod-${i}`;
      const seenInSlice = inSlice.expect(name, 5_000);
      const seenAsPod = podSeen.expect(name, 5_000);
      const sent = performance.now();
      const r = await apiRequest(t, 'PATCH', `/api/v1/namespaces/default/pods/${name}/status`, podStatus(podIP(i), true), 'application/merge-patch+json');
      const acked = performance.now();
      const [sliceAt, podAt] = await Promise.all([seenInSlice, seenAsPod]);
      if (r.status >= 300 || sliceAt === undefined) {
        missed++;
        return;
      }
      // The watch line can be read before the PATCH answer is: that is a latency of 0 from the ack.
      fromAck.push(Math.max(0, sliceAt - acked));
      fromSend.push(sliceAt - sent);
      statusWrite.push(acked - sent);
      if (podAt !== undefined) podWatchFromAck.push(Math.max(0, podAt - acked));
    });
    sliceWatch.close();
    podWatch.close();
    const syncsLine = waitForOutput(controller, /controller syncs .*\n/, 10_000);
    controller.kill('SIGUSR2');
    const controllerSyncs = JSON.parse(/controller syncs (.*)\n/.exec(await syncsLine)![1]) as Record<string, unknown>;
    const rssAfterFlips = await rssMiB(controller.pid!);
    return {
      services,
      pods: total,
      seedSeconds: round(seedSeconds, 1),
      seedFailures,
      initialSyncSeconds: round(initialSyncSeconds, 2),
      flips: fromAck.length,
      missed,
      concurrency,
      readyToSliceMs: { ...summarize(fromAck), measuredFrom: 'status write acknowledged', observedBy: 'a watch on endpointslices' },
      readyToSliceFromRequestMs: summarize(fromSend),
      statusWriteMs: summarize(statusWrite),
      controllerSyncs: { ...controllerSyncs, note: 'inside the controller: queue wait; compute = cache reads + reconcile; sync = compute + the slice write until its answer' },
      podWatchFromAckMs: { ...summarize(podWatchFromAck), note: 'the pod change itself reaching a watcher: the API server part of the latency' },
      controllerRssMiB: { afterInitialSync: rssAfterSync, afterFlips: rssAfterFlips },
      controllerMemoryAfterGc: { ...controllerMemory, note: 'baseline = the process with its code loaded, before the controller starts' },
      apiServerRssMiB: await rssMiB(server.pid!),
      // Other work on the machine shows up in the tail; a load above the CPU count inflates p99.
      loadAverage1m: round(loadavg()[0], 2),
      goals: { p99ReadyToSliceUnder50ms: percentile(fromAck, 99) < goalP99Ms },
    };
  } finally {
    for (const child of [controller, server]) {
      if (!child || child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The controller process: runs the EndpointSlice controller until SIGTERM. */
async function runControllerProcess(kubeconfig: string): Promise<void> {
  const { loadConnection } = await import('../client/kubeconfig.js');
  const { ApiClient } = await import('../client/rest.js');
  const { setLogLevel } = await import('../common/log.js');
  const { startEndpointSliceController } = await import('../controllers/endpointslice/controller.js');
  setLogLevel('warn');
  const memory = () => {
    global.gc?.();
    const m = process.memoryUsage();
    return { rssMiB: round(m.rss / 2 ** 20, 1), heapUsedMiB: round(m.heapUsed / 2 ** 20, 1) };
  };
  // What the process costs before the controller holds anything (Node, tsx, the loaded code).
  const baseline = memory();
  const client = new ApiClient(await loadConnection({ path: kubeconfig }));
  const ctl = startEndpointSliceController(client, { maxEndpointsPerSlice: Number(process.env.BENCH_MAX_PER_SLICE) || 100 });
  await ctl.idle();
  process.stdout.write(`controller idle ${JSON.stringify({ baseline, synced: memory() })}\n`);
  // From now on: the controller's own part of each sync, reported when asked (SIGUSR2).
  const { subscribe } = await import('node:diagnostics_channel');
  const { syncChannel } = await import('../controllers/endpointslice/keyed-loop.js');
  const { reconcileChannel } = await import('../controllers/endpointslice/controller.js');
  const waits: number[] = [];
  const syncs: number[] = [];
  const computes: number[] = [];
  subscribe(reconcileChannel.name, (m) => computes.push((m as { computeMs: number }).computeMs));
  subscribe(syncChannel.name, (m) => {
    const msg = m as { waitMs: number; syncMs: number };
    waits.push(msg.waitMs);
    syncs.push(msg.syncMs);
  });
  process.on('SIGUSR2', () => process.stdout.write(`controller syncs ${JSON.stringify({ queueWaitMs: summarize(waits), computeMs: summarize(computes), syncIncludingWritesMs: summarize(syncs) })}\n`));
  process.once('SIGTERM', () => {
    void ctl.stop().then(() => {
      client.close();
      process.exit(0);
    });
  });
}

if (process.env.BENCH_CONTROLLER_KUBECONFIG && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runControllerProcess(process.env.BENCH_CONTROLLER_KUBECONFIG).catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
}

if (process.env.BENCH_CONTROLLERS_MAIN === '1' && !process.env.BENCH_CONTROLLER_KUBECONFIG && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const small = process.env.BENCH_SMALL === '1';
  benchEndpointSlices(small ? { services: 100, podsPerService: 10, flips: 200 } : {}).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
