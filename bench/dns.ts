/**
 * Cluster DNS benchmark: `dnsperf` against svcnet dns and against Knot DNS (`knotd`) serving the
 * same records, in the same run, each server pinned to CPU 0 and dnsperf to CPU 1. Both serve a
 * model of 10,000 Services and 100,000 endpoints (the zone file for Knot is generated from the
 * same model). Reports peak queries per second, latency percentiles at half of each server's own
 * peak (from dnsperf -v per-query lines), and resident memory.
 *
 * Run through bench/run.ts (BENCH=dns) or alone: `node --import tsx bench/dns.ts`.
 * The same file is the svcnet server child when started with `--dns-bench-child`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, round, rssMiB } from './stats.js';

export interface DnsBenchOptions {
  services?: number;
  endpointsPerService?: number;
  /** Every n-th Service is headless (its endpoints get hostnames). */
  headlessEvery?: number;
  /** Seconds per dnsperf run. */
  seconds?: number;
  /**
   * Nice value for the servers and dnsperf (e.g. -10; root only). On a shared machine other
   * processes' time slices otherwise land in the latency figures of whichever server is busier.
   */
  nice?: number;
  /** Extra node flags for the svcnet child, e.g. ['--max-semi-space-size=64'] (fewer scavenges, shorter tail). */
  nodeFlags?: string[];
}

/** `nice -n N taskset -c CPU …`, or just `taskset -c CPU …`. */
function pinned(cpu: number, nice: number | undefined, argv: string[]): [string, string[]] {
  const base = ['taskset', '-c', String(cpu), ...argv];
  return nice ? ['nice', ['-n', String(nice), ...base]] : [base[0]!, base.slice(1)];
}

interface ModelJson {
  services: object[];
  slices: object[];
}

interface Model {
  json: ModelJson;
  clusterIps: Array<{ name: string; ns: string; ip: string }>;
  headless: Array<{ name: string; ns: string; endpoints: Array<{ ip: string; hostname: string }> }>;
}

const zone = 'cluster.local';
const ttl = 30;
const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..');

function buildModel(services: number, perService: number, headlessEvery: number): Model {
  const json: ModelJson = { services: [], slices: [] };
  const clusterIps: Model['clusterIps'] = [];
  const headless: Model['headless'] = [];
  let ep = 0;
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    const ns = `ns-${i % 100}`;
    const isHeadless = i % headlessEvery === headlessEvery - 1;
    const ip = `10.96.${(i >> 8) & 0xff}.${i & 0xff}`;
    json.services.push({ metadata: { name, namespace: ns }, spec: { clusterIP: isHeadless ? 'None' : ip, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
    const endpoints: Array<{ ip: string; hostname: string }> = [];
    for (let j = 0; j < perService; j++, ep++) endpoints.push({ ip: `10.${100 + (ep >> 16)}.${(ep >> 8) & 0xff}.${ep & 0xff}`, hostname: isHeadless ? `pod-${j}` : '' });
    json.slices.push({
      metadata: { name: `${name}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: endpoints.map((e) => ({ addresses: [e.ip], ...(e.hostname ? { hostname: e.hostname } : {}), conditions: { ready: true } })),
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    if (isHeadless) headless.push({ name, ns, endpoints });
    else clusterIps.push({ name, ns, ip });
  }
  return { json, clusterIps, headless };
}

function reverse(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** The same records svcnet answers, as zone files (SRV weights as CoreDNS computes them). */
function zoneFiles(m: Model): { forward: string; reverse: string } {
  const head = (origin: string) => `$ORIGIN ${origin}.\n$TTL ${ttl}\n@ IN SOA ns.dns.${zone}. hostmaster.${zone}. 1 7200 1800 86400 ${ttl}\n@ IN NS ns.dns.${zone}.\n`;
  const f: string[] = [head(zone), `ns.dns IN A 127.0.0.1\ndns-version IN TXT "1.1.0"\n`];
  const r: string[] = [head('10.in-addr.arpa')];
  for (const s of m.clusterIps) {
    const fqdn = `${s.name}.${s.ns}.svc.${zone}.`;
    f.push(`${fqdn} A ${s.ip}\n_http._tcp.${fqdn} SRV 0 100 80 ${fqdn}\n`);
    r.push(`${reverse(s.ip)} PTR ${fqdn}\n`);
  }
  for (const s of m.headless) {
    const fqdn = `${s.name}.${s.ns}.svc.${zone}.`;
    const weight = Math.max(1, Math.floor(100 / s.endpoints.length));
    for (const e of s.endpoints) {
      const host = `${e.hostname}.${fqdn}`;
      f.push(`${fqdn} A ${e.ip}\n${host} A ${e.ip}\n_http._tcp.${fqdn} SRV 0 ${weight} 80 ${host}\n`);
      r.push(`${reverse(e.ip)} PTR ${host}\n`);
    }
  }
  return { forward: f.join(''), reverse: r.join('') };
}

/** A mix of what pods ask: service A, SRV, headless A, PTR, and search-path NXDOMAINs. */
function queryFile(m: Model, lines: number): string {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const kind = rand(10);
    const c = m.clusterIps[rand(m.clusterIps.length)]!;
    const h = m.headless[rand(m.headless.length)]!;
    if (kind < 5) out.push(`${c.name}.${c.ns}.svc.${zone} A`);
    else if (kind === 5) out.push(`_http._tcp.${c.name}.${c.ns}.svc.${zone} SRV`);
    else if (kind === 6) out.push(`${h.name}.${h.ns}.svc.${zone} A`);
    else if (kind === 7) out.push(`${reverse(c.ip).slice(0, -1)} PTR`);
    else out.push(`${c.name}.${c.ns}.svc.${zone}.${c.ns}.svc.${zone} A`);
  }
  return out.join('\n') + '\n';
}

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

interface PerfRun {
  qps: number;
  sent: number;
  lost: number;
  rcodes: string;
  avgLatencyMs: number;
  p50Ms?: number;
  p99Ms?: number;
}

function dnsperf(port: number, file: string, seconds: number, nice: number | undefined, maxQps?: number): PerfRun {
  const args = ['dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '4', '-q', '200'];
  if (maxQps) args.push('-Q', String(Math.floor(maxQps)), '-v');
  const [cmd, argv] = pinned(1, nice, args);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const out = r.stdout;
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const run: PerfRun = {
    qps: round(num(/Queries per second:\s+([\d.]+)/), 0),
    sent: num(/Queries sent:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    rcodes: /Response codes:\s+([^\n]*)/.exec(out)?.[1] ?? '',
    avgLatencyMs: round(num(/Average Latency \(s\):\s+([\d.]+)/) * 1000, 3),
  };
  if (maxQps) {
    const lat: number[] = [];
    for (const line of out.split('\n')) if (line.startsWith('> ')) lat.push(Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000);
    run.p50Ms = round(percentile(lat, 50), 3);
    run.p99Ms = round(percentile(lat, 99), 3);
  }
  return run;
}

/**
 * Half of the goal rate (17,000 qps per core): the same offered load for both servers, whatever
 * their peaks. At this rate the latency tail is mostly the machine's own measurement floor.
 */
const floorQps = 8500;

function measure(port: number, file: string, seconds: number, nice: number | undefined): { peak: PerfRun; half: PerfRun; halfOfGoal: PerfRun } {
  dnsperf(port, file, 2, nice); // warm-up: JIT, caches
  const peak = dnsperf(port, file, seconds, nice);
  const half = dnsperf(port, file, seconds, nice, peak.qps / 2);
  const halfOfGoal = dnsperf(port, file, seconds, nice, floorQps);
  return { peak, half, halfOfGoal };
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

    // svcnet dns, pinned to CPU 0.
    const svcPort = await freePort();
    const childArgs = await childCommand(dir);
    const [svcCmd, svcArgv] = pinned(0, opts.nice, [process.execPath, '--expose-gc', ...(opts.nodeFlags ?? []), ...childArgs, '--dns-bench-child', modelPath, String(svcPort)]);
    const svc = spawn(svcCmd, svcArgv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(svc);
    let childReport = '';
    svc.stdout!.on('data', (d) => (childReport += d));
    // The child reports once its index is built and its sockets listen.
    for (let i = 0; i < 6000 && !childReport.includes('\n') && svc.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
    if (svc.exitCode !== null) throw new Error(`bench/dns: svcnet child exited with ${svc.exitCode}`);
    await waitForAnswer(svcPort, probe);
    const svcBuild = JSON.parse(childReport.split('\n')[0] || '{}');
    const svcnet = measure(svcPort, queries, seconds, opts.nice);
    const svcRss = await rssMiB(svc.pid!);
    await stop(svc);

    // Knot DNS with the same records, one UDP worker, pinned to CPU 0.
    const zones = zoneFiles(model);
    writeFileSync(join(dir, 'cluster.local.zone'), zones.forward);
    writeFileSync(join(dir, '10.zone'), zones.reverse);
    const knotPort = await freePort();
    writeFileSync(
      join(dir, 'knot.conf'),
      [
        'server:',
        `    rundir: "${dir}"`,
        `    listen: 127.0.0.1@${knotPort}`,
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
      ].join('\n'),
    );
    const [knotCmd, knotArgv] = pinned(0, opts.nice, ['knotd', '-c', join(dir, 'knot.conf')]);
    const knot = spawn(knotCmd, knotArgv, { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(knot);
    await waitForAnswer(knotPort, probe);
    const knotRun = measure(knotPort, queries, seconds, opts.nice);
    const knotRss = await rssMiB(knot.pid!);
    await stop(knot);

    return {
      model: { services, endpoints: services * perService, headlessServices: model.headless.length, zoneRecords: zones.forward.split('\n').length + zones.reverse.split('\n').length },
      queryMix: '50% service A, 10% SRV, 10% headless A (10 records), 10% PTR, 20% search-path NXDOMAIN',
      method: `dnsperf -c 4 -q 200 -l ${seconds} on CPU 1, server on CPU 0${opts.nice ? `, both at nice ${opts.nice}` : ''}; half load = -Q peak/2 with per-query latencies (-v); halfOfGoal = -Q ${floorQps} (half of 17,000)`,
      loadAverageAtStart: loadavg().map((l) => round(l, 1)),
      svcnetNodeFlags: opts.nodeFlags ?? [],
      lookupsInProcess: lookups,
      svcnet: { ...svcnet, rssMiB: svcRss, indexBuildMs: svcBuild.buildMs, rssAfterBuildMiB: svcBuild.rssMiB, heapAfterBuildMiB: svcBuild.heapUsedMiB },
      knot: { ...knotRun, rssMiB: knotRss },
      ratios: { qps: round(svcnet.peak.qps / knotRun.peak.qps, 2), p99AtHalf: round((svcnet.half.p99Ms ?? NaN) / (knotRun.half.p99Ms ?? NaN), 2) },
      goals: {
        qpsPerCore: { want: 17000, got: svcnet.peak.qps, met: svcnet.peak.qps >= 17000 },
        p99AtHalfOfGoalMs: { want: 1, got: svcnet.halfOfGoal.p99Ms, met: (svcnet.halfOfGoal.p99Ms ?? Infinity) < 1 },
        p99AtHalfOfOwnPeakMs: { want: 1, got: svcnet.half.p99Ms, met: (svcnet.half.p99Ms ?? Infinity) < 1 },
      },
    };
  } finally {
    for (const c of children) await stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The child: loads the model into an index the same way the controller does, serves it with the
 * same pieces startDnsServer wires (handler, sockets) and reports build time and memory. It avoids
 * dns/index.ts so it bundles without the API client, and the bundle runs on plain node: the tsx
 * loader (a second V8 isolate, ~150 MiB) would otherwise dominate the memory figure.
 */
async function serveChild(modelPath: string, port: number): Promise<void> {
  const { ClusterIndex } = await import('../dns/cluster-index.js');
  const { serviceFromApi, sliceFromApi } = await import('../dns/from-api.js');
  const { AnswerCache } = await import('../dns/cache.js');
  const { Forwarder } = await import('../dns/forward.js');
  const { QueryHandler } = await import('../dns/handler.js');
  const { DnsMetrics } = await import('../dns/metrics.js');
  const { defaultRecordsConfig } = await import('../dns/records.js');
  const { listenDns } = await import('../dns/server.js');
  const started = performance.now();
  // Built in a function of its own so the parsed JSON is garbage before the memory is read.
  const index = (() => {
    const json = JSON.parse(readFileSync(modelPath, 'utf8')) as ModelJson;
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
  process.once('SIGTERM', () => void dns.close().then(() => process.exit(0)));
}

const argv = process.argv;
const childAt = argv.indexOf('--dns-bench-child');
if (childAt >= 0) {
  serveChild(argv[childAt + 1]!, Number(argv[childAt + 2])).catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
} else if (argv[1] && argv[1].endsWith('bench/dns.ts')) {
  benchDns({ seconds: Number(process.env.DNS_BENCH_SECONDS ?? 10), nice: process.env.DNS_BENCH_NICE ? Number(process.env.DNS_BENCH_NICE) : undefined, nodeFlags: process.env.DNS_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) }).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
