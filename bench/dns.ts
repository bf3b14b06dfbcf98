/**
 * Cluster DNS benchmark: `dnsperf` against svcnet dns and against Knot DNS (`knotd`) serving the
 * same records, in the same run, each server pinned to CPU 0 and dnsperf to CPU 1. Both serve a
 * model of 10,000 Services and 100,000 endpoints (the zone file for Knot is generated from the
 * same model, bench/dns-model.ts). Reports peak queries per second, latency percentiles at half of
 * each server's own peak (from dnsperf -v per-query lines), isolated from the machine's other work
 * and not (bench/dns-perf.ts), and resident memory.
 *
 * Run through bench/run.ts (BENCH=dns) or alone: `node --import tsx bench/dns.ts`
 * (DNS_BENCH_SECONDS, DNS_BENCH_ISOLATE=0, DNS_BENCH_NODE_FLAGS).
 * The same file is the svcnet server child when started with `--dns-bench-child`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, queryFile, ttl, zone, zoneFiles, type Model, type ModelJson } from './dns-model.js';
import { canIsolate, measureAll, pinnedArgv, serverCpu, threadsOf, unpinHelperThreads } from './dns-perf.js';
import { round, rssMiB } from './stats.js';
import { dnsGcFlags, tuneGcForDns } from '../dns/gc-tuning.js';

export interface DnsBenchOptions {
  services?: number;
  endpointsPerService?: number;
  /** Every n-th Service is headless (its endpoints get hostnames). */
  headlessEvery?: number;
  /** Seconds per latency run (the peak run takes at most 5). */
  seconds?: number;
  /**
   * Measure at real-time priority, out of the way of the machine's other work (see
   * bench/dns-perf.ts). Default: when running as root with chrt.
   */
  isolate?: boolean;
  /** Half-load runs per server, taking turns; the median p99 is reported (default 3). */
  rounds?: number;
  /** Extra node flags for the svcnet child, e.g. ['--max-semi-space-size=4']. */
  nodeFlags?: string[];
  /**
   * Also measure a second svcnet child without dns/gc-tuning.ts (V8's default GC settings), in
   * the same rounds, so the effect of the tuning is measured under the same load (default true).
   */
  compareDefaultGc?: boolean;
}

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');
/** Slice changes during the churn run: 100 a second. */
const churnIntervalMs = 10;

/**
 * In-process: how fast `resolve` answers at this scale without the network or the reply cache,
 * the cost every question pays once after each change. Shows the lookups are map hits, not scans.
 */
async function measureLookups(m: Model): Promise<Record<string, number>> {
  const { ClusterIndex } = await import('../dns/cluster-index.js');
  const { serviceFromApi, sliceFromApi } = await import('../dns/from-api.js');
  const { defaultRecordsConfig, resolve } = await import('../dns/records.js');
  const started = performance.now();
  const index = new ClusterIndex();
  for (const s of m.json.services) index.setService(serviceFromApi(s)!);
  for (const s of m.json.slices) index.setSlice(sliceFromApi(s)!);
  index.markSynced();
  const buildMs = performance.now() - started;
  const questions = queryFile(m, 20_000)
    .trim()
    .split('\n')
    .map((line) => {
      const [name, type] = line.split(' ');
      return { labels: name!.split('.'), type: type === 'A' ? 1 : type === 'SRV' ? 33 : 12 };
    });
  const rounds = 5;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const q of questions) resolve(index, defaultRecordsConfig, q);
  const ms = performance.now() - t0;
  return { indexBuildMs: round(buildMs, 0), resolvePerSecond: round((questions.length * rounds) / (ms / 1000), 0) };
}

function have(cmd: string, arg = '-V'): boolean {
  return spawnSync(cmd, [arg], { stdio: 'ignore' }).status !== null && spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** A port free for both TCP and UDP on 127.0.0.1 right now (servers bind both). */
async function freePort(): Promise<number> {
  for (;;) {
    const tcp = net.createServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
    const port = (tcp.address() as net.AddressInfo).port;
    const udp = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      udp.once('error', () => r(false));
      udp.bind(port, '127.0.0.1', () => r(true));
    });
    await new Promise<void>((r) => tcp.close(() => r()));
    if (ok) await new Promise<void>((r) => udp.close(() => r()));
    else udp.close();
    if (ok) return port;
  }
}

async function waitForAnswer(port: number, name: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const r = spawnSync('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=1', '+short', name, 'A'], { encoding: 'utf8' });
    if (r.stdout.trim()) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`bench/dns: server on port ${port} did not answer ${name}`);
}

/** This file bundled to plain JS with esbuild (tsx's own dependency); tsx as the fallback. */
async function childCommand(dir: string): Promise<string[]> {
  const self = fileURLToPath(import.meta.url);
  try {
    const esbuild = (await import('esbuild' as string)) as { build(o: object): Promise<unknown> };
    const outfile = join(dir, 'dns-child.mjs');
    await esbuild.build({ entryPoints: [self], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error' });
    return [outfile];
  } catch {
    return ['--import', 'tsx', self];
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function benchDns(opts: DnsBenchOptions = {}): Promise<Record<string, unknown>> {
  const services = opts.services ?? 10_000;
  const perService = opts.endpointsPerService ?? 10;
  const seconds = opts.seconds ?? 10;
  const isolate = opts.isolate ?? canIsolate();
  const rounds = opts.rounds ?? 3;
  const missing = ['dnsperf', 'knotd', 'dig', 'taskset'].filter((c) => !have(c));
  if (missing.length) return { skipped: `missing tools: ${missing.join(', ')} (apt-get install dnsperf knot bind9-dnsutils util-linux)` };
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-bench-dns-'));
  const children: ChildProcess[] = [];
  try {
    const model = buildModel(services, perService, opts.headlessEvery ?? 10);
    const modelPath = join(dir, 'model.json');
    writeFileSync(modelPath, JSON.stringify(model.json));
    const queries = join(dir, 'queries.txt');
    writeFileSync(queries, queryFile(model, 50_000));
    const lookups = await measureLookups(model);
    const probe = `${model.clusterIps[0]!.name}.${model.clusterIps[0]!.ns}.svc.${zone}`;

    // svcnet dns, pinned to CPU 0; its main thread is the one that serves.
    const childArgs = await childCommand(dir);
    const start = (defaultGc: boolean) => startSvcnetChild(childArgs, modelPath, probe, isolate, opts.nodeFlags ?? [], defaultGc, children);
    const { proc: svc, port: svcPort, build: svcBuild } = await start(false);
    const untuned = opts.compareDefaultGc !== false ? await start(true) : undefined;

    // Knot DNS with the same records, one UDP worker, also on CPU 0 (idle while svcnet is measured).
    const zones = zoneFiles(model);
    writeFileSync(join(dir, 'cluster.local.zone'), zones.forward);
    writeFileSync(join(dir, '10.zone'), zones.reverse);
    const knotPort = await freePort();
    writeFileSync(join(dir, 'knot.conf'), knotConfig(dir, knotPort));
    const knotArgv = serverArgv(isolate, ['knotd', '-c', join(dir, 'knot.conf')]);
    const knot = spawn(knotArgv[0]!, knotArgv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(knot);
    await waitForAnswer(knotPort, probe);

    const targets = [
      { name: 'svcnet', port: svcPort, servingThreads: [svc.pid!], toggleChurn: () => void svc.kill('SIGUSR2') },
      { name: 'knot', port: knotPort, servingThreads: threadsOf(knot.pid!) },
      ...(untuned ? [{ name: 'svcnetDefaultGc', port: untuned.port, servingThreads: [untuned.proc.pid!] }] : []),
    ];
    const results = measureAll(targets, queries, dir, seconds, isolate, rounds);
    const svcnet = results.get('svcnet')!;
    const knotRun = results.get('knot')!;
    const svcRss = await rssMiB(svc.pid!);
    const knotRss = await rssMiB(knot.pid!);
    const untunedRun = results.get('svcnetDefaultGc');
    const untunedSummary = untuned && untunedRun ? { ...untunedRun, rssMiB: await rssMiB(untuned.proc.pid!), rssAfterBuildMiB: untuned.build.rssMiB, heapAfterBuildMiB: untuned.build.heapUsedMiB } : undefined;

    return {
      model: { services, endpoints: services * perService, headlessServices: model.headless.length, zoneRecords: zones.forward.split('\n').length + zones.reverse.split('\n').length },
      queryMix: '50% service A, 10% SRV, 10% headless A (10 records), 10% PTR, 20% search-path NXDOMAIN',
      method:
        `dnsperf -c 4 -q 200 on CPU 1, server on CPU 0; peak: unlimited for ${Math.min(seconds, 5)} s; half: -Q peak/2 for ${seconds} s, ${rounds} rounds with the servers taking turns, the round with the median p99 shown; percentiles of dnsperf -v per-query latencies (lost queries count as infinitely late)` +
        (isolate ? '; peak and half with dnsperf and the serving thread(s) at SCHED_FIFO (svcnet: the main thread, its other threads allowed on CPU 1 too; knot: all), the servers at nice -20, halfShared: the same rate at ordinary priority' : '; not isolated (halfShared = half)') +
        `; svcnet halfWithChurn: one more half-load run per round while one EndpointSlice changes every ${churnIntervalMs} ms` +
        (untuned ? '; svcnetDefaultGc: the same svcnet child without dns/gc-tuning.ts (V8 defaults), measured in the same rounds after knot, also at svcnet\'s half-load rate (atFirstsHalf)' : ''),
      svcnetNodeFlags: [...dnsGcFlags, ...(opts.nodeFlags ?? [])],
      svcnetNodeFlagsHow: `${dnsGcFlags.join(' ')}: set by v8.setFlagsFromString when the child starts, through dns/gc-tuning.ts as \`svcnet dns\` does (\`svcnet up\` does not apply them: they would apply to every component in its process); any others on the node command line`,
      lookupsInProcess: lookups,
      svcnet: { ...svcnet, rssMiB: svcRss, indexBuildMs: svcBuild.buildMs, rssAfterBuildMiB: svcBuild.rssMiB, heapAfterBuildMiB: svcBuild.heapUsedMiB },
      knot: { ...knotRun, rssMiB: knotRss },
      ...(untunedSummary ? { svcnetDefaultGc: untunedSummary } : {}),
      ratios: { qps: round(svcnet.peak.qps / knotRun.peak.qps, 2), p99AtSvcnetsHalf: round((svcnet.half.p99Ms ?? NaN) / (knotRun.atFirstsHalf?.p99Ms ?? NaN), 2) },
      goals: {
        qpsPerCore: { want: 17000, got: svcnet.peak.qps, met: svcnet.peak.qps >= 17000 },
        p99AtHalfOfPeakMs: { want: 1, got: svcnet.half.p99Ms, met: (svcnet.half.p99Ms ?? Infinity) < 1, isolated: isolate, rounds: svcnet.halfP99sMs, knotAtItsHalf: knotRun.half.p99Ms, knotAtSvcnetsHalf: knotRun.atFirstsHalf?.p99Ms, knotRoundsAtSvcnetsHalf: knotRun.atFirstsHalfP99sMs, defaultGcAtSvcnetsHalf: untunedRun?.atFirstsHalf?.p99Ms, defaultGcRoundsAtSvcnetsHalf: untunedRun?.atFirstsHalfP99sMs },
      },
    };
  } finally {
    for (const c of children) await stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the svcnet bench child pinned to CPU 0 and waits for it to answer; `defaultGc` leaves
 * V8's GC settings alone instead of applying dns/gc-tuning.ts.
 */
async function startSvcnetChild(childArgs: string[], modelPath: string, probe: string, isolate: boolean, nodeFlags: string[], defaultGc: boolean, children: ChildProcess[]): Promise<{ proc: ChildProcess; port: number; build: { buildMs?: number; rssMiB?: number; heapUsedMiB?: number } }> {
  const port = await freePort();
  const argv = serverArgv(isolate, [process.execPath, '--expose-gc', ...nodeFlags, ...childArgs, '--dns-bench-child', modelPath, String(port), ...(defaultGc ? ['--default-gc'] : [])]);
  const proc = spawn(argv[0]!, argv.slice(1), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  let report = '';
  proc.stdout!.on('data', (d) => (report += d));
  // The child reports once its index is built and its sockets listen.
  for (let i = 0; i < 6000 && !report.includes('\n') && proc.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
  if (proc.exitCode !== null) throw new Error(`bench/dns: svcnet child exited with ${proc.exitCode}`);
  await waitForAnswer(port, probe);
  if (isolate) unpinHelperThreads(proc.pid!);
  return { proc, port, build: JSON.parse(report.split('\n')[0] || '{}') };
}

/**
 * A server pinned to CPU 0; when isolating, at nice -20 as a whole. Only its serving thread goes
 * real-time, but V8's GC helpers do part of each scavenge and the main thread waits for them: at
 * nice 0 they queue behind the machine's other work and a 0.5 ms scavenge becomes 10 ms.
 */
function serverArgv(isolate: boolean, argv: string[]): string[] {
  const pinned = pinnedArgv(serverCpu, argv);
  return isolate ? ['nice', '-n', '-20', ...pinned] : pinned;
}

function knotConfig(dir: string, port: number): string {
  return [
    'server:',
    `    rundir: "${dir}"`,
    `    listen: 127.0.0.1@${port}`,
    '    udp-workers: 1',
    '    tcp-workers: 1',
    '    background-workers: 1',
    'log:',
    '  - target: stderr',
    '    any: error',
    'database:',
    `    storage: "${dir}"`,
    'template:',
    '  - id: default',
    `    storage: "${dir}"`,
    '    zonefile-sync: -1',
    '    journal-content: none',
    '    semantic-checks: off',
    'zone:',
    `  - domain: ${zone}`,
    '    file: cluster.local.zone',
    '  - domain: 10.in-addr.arpa',
    '    file: 10.zone',
    '',
  ].join('\n');
}

/**
 * The child: loads the model into an index the same way the controller does, serves it with the
 * same pieces startDnsServer wires (handler, sockets) and reports build time and memory. It avoids
 * dns/index.ts so it bundles without the API client, and the bundle runs on plain node: the tsx
 * loader (a second V8 isolate, ~150 MiB) would otherwise dominate the memory figure.
 */
async function serveChild(modelPath: string, port: number, defaultGc: boolean): Promise<void> {
  // First, as `svcnet dns` does before its informers fill the heap.
  if (!defaultGc) tuneGcForDns();
  const { ClusterIndex } = await import('../dns/cluster-index.js');
  const { serviceFromApi, sliceFromApi } = await import('../dns/from-api.js');
  const { AnswerCache } = await import('../dns/cache.js');
  const { Forwarder } = await import('../dns/forward.js');
  const { QueryHandler } = await import('../dns/handler.js');
  const { DnsMetrics } = await import('../dns/metrics.js');
  const { defaultRecordsConfig } = await import('../dns/records.js');
  const { listenDns } = await import('../dns/server.js');
  const started = performance.now();
  let services = 0;
  // Built in a function of its own so the parsed JSON is garbage before the memory is read.
  const index = (() => {
    const json = JSON.parse(readFileSync(modelPath, 'utf8')) as ModelJson;
    services = json.services.length;
    const idx = new ClusterIndex();
    for (const s of json.services) {
      const m = serviceFromApi(s);
      if (m) idx.setService(m);
    }
    for (const s of json.slices) {
      const m = sliceFromApi(s);
      if (m) idx.setSlice(m);
    }
    idx.markSynced();
    return idx;
  })();
  const buildMs = round(performance.now() - started, 0);
  const handler = new QueryHandler({ index, records: { ...defaultRecordsConfig, ttl }, forwarder: new Forwarder({ upstreams: [] }), cache: new AnswerCache(), metrics: new DnsMetrics(`dns://127.0.0.1:${port}`) });
  const dns = await listenDns({ host: '127.0.0.1', port }, handler);
  global.gc?.();
  const mem = process.memoryUsage();
  process.stdout.write(JSON.stringify({ buildMs, rssMiB: round(mem.rss / 2 ** 20, 1), heapUsedMiB: round(mem.heapUsed / 2 ** 20, 1) }) + '\n');
  let churn: NodeJS.Timeout | undefined;
  process.on('SIGUSR2', () => {
    if (churn) churn = void clearInterval(churn);
    else churn = startChurn(index, services);
  });
  process.once('SIGTERM', () => void dns.close().then(() => process.exit(0)));
}

/**
 * Endpoint churn while queries run: every 10 ms one Service's slice is replaced with one endpoint's
 * readiness flipped (as a rolling update would), through the same index calls the controller
 * makes. The slice is taken from the index rather than converted from JSON again.
 */
function startChurn(index: import('../dns/cluster-index.js').ClusterIndex, services: number): NodeJS.Timeout {
  let n = 0;
  return setInterval(() => {
    const i = (n * 7919) % services;
    const [slice] = index.slicesOf(`ns-${i % 100}`, `svc-${i}`);
    if (!slice) return;
    const flip = n++ % slice.endpoints.length;
    index.setSlice({ ...slice, endpoints: slice.endpoints.map((e, k) => (k === flip ? { ...e, ready: !e.ready } : e)) });
  }, churnIntervalMs);
}

const argv = process.argv;
const childAt = argv.indexOf('--dns-bench-child');
if (childAt >= 0) {
  serveChild(argv[childAt + 1]!, Number(argv[childAt + 2]), argv[childAt + 3] === '--default-gc').catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
} else if (argv[1] && argv[1].endsWith('bench/dns.ts')) {
  benchDns({ seconds: Number(process.env.DNS_BENCH_SECONDS ?? 10), isolate: process.env.DNS_BENCH_ISOLATE === '0' ? false : undefined, nodeFlags: process.env.DNS_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) }).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
