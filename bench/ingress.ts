/**
 * Ingress data plane vs nginx, same run, same backend: wrk against svcnet ingress and against an
 * nginx reverse proxy configured like ingress-nginx (upstream keep-alive, the same forwarded
 * headers, access log off on both), for plain HTTP keep-alive, new connections
 * (`Connection: close`), TLS keep-alive and TLS new connections. The backend is a separate nginx
 * returning a tiny static body; wrk straight against it is measured too, to show it is not the
 * bottleneck. Both proxies get the same worker count, wrk settings, warm-up and backend. Rounds
 * alternate nginx/svcnet; the machine is shared, so every round is kept with the load average at
 * its start, and the headline ratio is the median of the per-round ratios (svcnet ÷ nginx of the
 * same round), which cancels most of the drift in machine load.
 * Also: time from an Ingress change to traffic following it, and memory/compile time at 10k routes.
 *
 * Run alone: `node --import tsx bench/ingress.ts` (BENCH_SMALL=1 for short runs).
 * Knobs: BENCH_INGRESS_PARTS=memory,propagation,throughput (default all);
 * BENCH_INGRESS_PROPAGATION_WORKERS=1,2 (process counts for propagation);
 * BENCH_INGRESS_WORKERS=1,2 (for throughput); BENCH_INGRESS_SCENARIOS=http-keepalive,… (throughput).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../common/log.js';
import { classPolicy } from '../ingress/class-selection.js';
import { compileRoutes } from '../ingress/compile.js';
import { IngressController } from '../ingress/controller.js';
import { IncrementalCompiler } from '../ingress/incremental.js';
import { startDataPlane } from '../ingress/data-plane.js';
import type { ClusterState } from '../ingress/model.js';
import { api, fakeSources } from '../ingress/testing/fake-source.js';
import { makeTestCa } from '../ingress/testing/test-ca.js';
import { ingress as ingressInfo, path as pathInfo } from '../ingress/testing/state.js';
import { WorkerPool } from '../ingress/workers.js';
import { percentile, round, rssMiB } from './stats.js';

const small = process.env.BENCH_SMALL === '1';

interface WrkResult {
  rps: number;
  p99ms: number;
  p50ms: number;
  errors: number;
  non2xx: number;
  /** CPU the proxy's processes spent per request during the run (µs; /proc, 10 ms ticks). */
  cpuUsPerRequest?: { user: number; sys: number };
}

/** utime and stime (clock ticks) of a process and its direct children (nginx/svcnet workers). */
function cpuTicks(pid: number): { user: number; sys: number } {
  const pids = [pid];
  try {
    pids.push(...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    // no children file: the process alone
  }
  let user = 0;
  let sys = 0;
  for (const p of pids) {
    try {
      // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      user += Number(f[11]);
      sys += Number(f[12]);
    } catch {
      // exited meanwhile
    }
  }
  return { user, sys };
}

/** wrk against a proxy, with the CPU time that proxy's processes used per request meanwhile. */
async function wrkMeasured(proxyPid: number, url: string, extra: string[], seconds: number, connections: number): Promise<WrkResult> {
  const before = cpuTicks(proxyPid);
  const r = await wrk(url, extra, seconds, connections);
  const after = cpuTicks(proxyPid);
  const n = r.rps * seconds;
  const us = (ticks: number) => round((ticks * 10_000) / Math.max(1, n), 1);
  return { ...r, cpuUsPerRequest: { user: us(after.user - before.user), sys: us(after.sys - before.sys) } };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`port ${port} never opened`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function toMs(v: string, unit: string): number {
  return Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];
}

export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const lat = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? round(toMs(m[1], m[2]), 3) : NaN;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps: round(rps, 0), p50ms: lat('50'), p99ms: lat('99'), errors, non2xx };
}

function wrk(url: string, extra: string[], seconds: number, connections: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', 'Host: bench.local', ...extra, url], { timeout: (seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(err);
      if (process.env.BENCH_DEBUG) process.stderr.write(stdout + stderr);
      resolve(parseWrk(stdout));
    });
  });
}

function nginxConf(dir: string, name: string, body: string, workers: number): string {
  const file = join(dir, `${name}.conf`);
  const temp = (k: string) => `${k}_temp_path ${join(dir, `${name}-${k}`)};`;
  writeFileSync(
    file,
    `worker_processes ${workers};\npid ${join(dir, `${name}.pid`)};\nerror_log ${join(dir, `${name}-error.log`)} crit;\nevents { worker_connections 8192; }\nhttp {\n access_log off;\n ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}\n keepalive_requests 100000;\n${body}\n}\n`,
  );
  return file;
}

/** Children to kill if this process exits early (a killed benchmark must leave nothing behind). */
const spawned = new Set<ChildProcess>();
let reaperInstalled = false;
function track(child: ChildProcess): void {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once('exit', () => {
    for (const c of spawned) if (c.exitCode === null) c.kill('SIGKILL');
  });
}

function startNginx(conf: string): ChildProcess {
  const child = spawn('nginx', ['-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  track(child);
  return child;
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** The svcnet side runs in its own process, like nginx, so that its CPU and memory are its own. */
interface ServeConfig {
  backendPort: number;
  http: number;
  https: number;
  cert: string;
  key: string;
  workers: number;
}

function startSvcnet(cfg: ServeConfig): Promise<ChildProcess> {
  // stdin stays open as a lifeline: the child exits when this process goes away.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--serve', JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'inherit'] });
  track(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`svcnet bench server exited ${code}`)));
  });
}

/** Child mode: one Ingress, defaultBackend → the backend nginx. */
async function serve(cfg: ServeConfig): Promise<void> {
  setLogSink(() => {});
  const dp = await startDataPlane({ httpListen: `127.0.0.1:${cfg.http}`, httpsListen: `127.0.0.1:${cfg.https}`, defaultCert: { cert: cfg.cert, key: cfg.key } });
  const state: ClusterState = {
    ingresses: [ingressInfo('bench', { host: 'bench.local', paths: [pathInfo('/', 'Prefix', 'backend')] })],
    classes: [],
    services: [{ namespace: 'default', name: 'backend', ports: [{ name: 'http', port: 80, targetPort: cfg.backendPort, protocol: 'TCP' }] }],
    slices: [{ namespace: 'default', name: 'backend-1', service: 'backend', ports: [{ name: 'http', port: cfg.backendPort, protocol: 'TCP' }], endpoints: [{ addresses: ['127.0.0.1'], ready: true }] }],
    secrets: [],
  };
  dp.apply(compileRoutes(state, classPolicy()).table);
  if (cfg.workers > 1) {
    const pool = await WorkerPool.start(cfg.workers - 1, dp.servers, { accessLog: false, defaultCert: { cert: cfg.cert, key: cfg.key } });
    pool.broadcast(state);
    process.on('exit', () => void pool.close());
  }
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void dp.close().then(() => process.exit(0)));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

async function throughput(seconds: number, rounds: number, workers: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-bench-ingress-'));
  const ca = makeTestCa();
  const pem = ca.issue(['bench.local']);
  writeFileSync(join(dir, 'tls.crt'), pem.cert);
  writeFileSync(join(dir, 'tls.key'), pem.key);
  const [backendPort, nginxHttp, nginxHttps, svcHttp, svcHttps] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const headers = 'proxy_set_header Host $host; proxy_set_header X-Request-ID $request_id; proxy_set_header X-Real-IP $remote_addr; proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Host $host; proxy_set_header X-Forwarded-Port $server_port; proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Scheme $scheme; proxy_set_header X-Scheme $scheme;';
  const backendConf = nginxConf(dir, 'backend', ` server { listen 127.0.0.1:${backendPort} reuseport; location / { return 200 "hello from the backend\\n"; } }`, workers);
  const proxyConf = nginxConf(
    dir,
    'proxy',
    ` upstream be { server 127.0.0.1:${backendPort}; keepalive 320; keepalive_requests 100000; }\n server { listen 127.0.0.1:${nginxHttp}; listen 127.0.0.1:${nginxHttps} ssl; server_name bench.local;\n  ssl_certificate ${join(dir, 'tls.crt')}; ssl_certificate_key ${join(dir, 'tls.key')}; ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:SSL:10m;\n  location / { proxy_pass http://be; proxy_http_version 1.1; proxy_buffering off; proxy_set_header Connection ""; ${headers} } }`,
    workers,
  );
  const children: ChildProcess[] = [];
  const out: Record<string, unknown> = {};
  try {
    const nginxProxy = startNginx(proxyConf);
    children.push(startNginx(backendConf), nginxProxy);
    await Promise.all([waitForPort(backendPort), waitForPort(nginxHttp), waitForPort(nginxHttps)]);
    const svc = await startSvcnet({ backendPort, http: svcHttp, https: svcHttps, cert: pem.cert, key: pem.key, workers });
    children.push(svc);
    // The backend alone, with the same wrk settings: it must be much faster than either proxy.
    out.backendDirect = await wrk(`http://127.0.0.1:${backendPort}/`, [], seconds, 64);
    const scenarios: Record<string, { path: string; extra: string[]; tls: boolean; connections: number }> = {
      'http-keepalive': { path: '/', extra: [], tls: false, connections: 64 },
      'http-new-connections': { path: '/', extra: ['-H', 'Connection: close'], tls: false, connections: 32 },
      'tls-keepalive': { path: '/', extra: [], tls: true, connections: 64 },
      'tls-new-connections': { path: '/', extra: ['-H', 'Connection: close'], tls: true, connections: 32 },
    };
    const only = process.env.BENCH_INGRESS_SCENARIOS?.split(',');
    for (const [name, s] of Object.entries(scenarios)) {
      if (only && !only.includes(name)) continue;
      const [nginxPort, svcPort] = s.tls ? [nginxHttps, svcHttps] : [nginxHttp, svcHttp];
      const url = (port: number) => `${s.tls ? 'https' : 'http'}://127.0.0.1:${port}${s.path}`;
      await wrk(url(nginxPort), s.extra, 2, s.connections); // warm-up both (svcnet's JIT, both caches)
      await wrk(url(svcPort), s.extra, 2, s.connections);
      const roundsOut: Round[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate which proxy goes first, so neither always gets the quieter half of a round.
        const load1m = round(loadavg()[0], 2);
        const runNginx = () => wrkMeasured(nginxProxy.pid!, url(nginxPort), s.extra, seconds, s.connections);
        const runSvcnet = () => wrkMeasured(svc.pid!, url(svcPort), s.extra, seconds, s.connections);
        const first = await (r % 2 === 0 ? runNginx() : runSvcnet());
        const second = await (r % 2 === 0 ? runSvcnet() : runNginx());
        const [n, v] = r % 2 === 0 ? [first, second] : [second, first];
        const cpu = (x: WrkResult) => (x.cpuUsPerRequest ? x.cpuUsPerRequest.user + x.cpuUsPerRequest.sys : NaN);
        roundsOut.push({ load1m, nginx: n, svcnet: v, rpsRatio: round(v.rps / n.rps, 3), p99Ratio: round(v.p99ms / n.p99ms, 3), cpuRatio: round(cpu(v) / cpu(n), 3) });
        process.stderr.write(`  workers=${workers} ${name} round ${r + 1} (load ${load1m}): svcnet ${v.rps} req/s p99 ${v.p99ms} ms ${round(cpu(v), 1)} µs CPU/req, nginx ${n.rps} req/s p99 ${n.p99ms} ms ${round(cpu(n), 1)} µs CPU/req\n`);
      }
      out[name] = summarizeRounds(roundsOut);
    }
    out.rssMiB = { svcnetMainProcess: await rssMiB(svc.pid!) };
    return out;
  } finally {
    for (const c of children) await stop(c);
    ca.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Round {
  load1m: number;
  nginx: WrkResult;
  svcnet: WrkResult;
  rpsRatio: number;
  p99Ratio: number;
  /** svcnet CPU per request ÷ nginx CPU per request: less sensitive to machine load than req/s. */
  cpuRatio: number;
}

/** Median of the per-round ratios (robust against a disturbed round), plus every round as measured. */
function summarizeRounds(rounds: Round[]): Record<string, unknown> {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  return {
    rpsRatioMedian: round(median(rounds.map((r) => r.rpsRatio)), 3),
    p99RatioMedian: round(median(rounds.map((r) => r.p99Ratio)), 3),
    cpuPerRequestRatioMedian: round(median(rounds.map((r) => r.cpuRatio)), 3),
    nginxRpsMedian: round(median(rounds.map((r) => r.nginx.rps)), 0),
    svcnetRpsMedian: round(median(rounds.map((r) => r.svcnet.rps)), 0),
    nginxP99MsMedian: round(median(rounds.map((r) => r.nginx.p99ms)), 3),
    svcnetP99MsMedian: round(median(rounds.map((r) => r.svcnet.p99ms)), 3),
    rounds,
  };
}

/** 10k routes: 1000 Ingresses × 10 paths over 1000 Services. */
function bigState(ingresses: number, pathsPer: number, backendPort: number): { ingressObjs: ReturnType<typeof api.ingress>[]; services: ReturnType<typeof api.service>[]; slices: ReturnType<typeof api.slice>[] } {
  const services = Array.from({ length: ingresses }, (_, i) => api.service(`svc-${i}`));
  const slices = Array.from({ length: ingresses }, (_, i) => api.slice(`svc-${i}`, [{ address: '127.0.0.1', port: backendPort }]));
  const ingressObjs = Array.from({ length: ingresses }, (_, i) =>
    api.ingress(`ing-${i}`, [{ host: `h${i}.example`, paths: Array.from({ length: pathsPer }, (_, j) => ({ path: `/p${j}`, service: `svc-${(i + j) % ingresses}` })) }], 'default', i * 1000),
  );
  return { ingressObjs, services, slices };
}

function get(port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET /p0 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    let buf = '';
    s.on('data', (d) => (buf += d));
    s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(buf)?.[1] ?? 0)));
    s.on('error', () => resolve(0));
  });
}

/**
 * Time from an Ingress/EndpointSlice change reaching the controller to traffic following it: the
 * main process answers as expected and (with workers) every worker process has swapped in the
 * change (each acknowledges the generation it serves).
 */
async function propagation(samples: number, workers: number): Promise<Record<string, unknown>> {
  setLogSink(() => {});
  const backend = net.createServer((s) => s.on('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const backendPort = (backend.address() as net.AddressInfo).port;
  const dp = await startDataPlane({ httpListen: '127.0.0.1:0', httpsListen: '' });
  const pool = workers > 1 ? await WorkerPool.start(workers - 1, dp.servers, { accessLog: false }) : undefined;
  const sources = fakeSources();
  const big = bigState(1000, 10, backendPort);
  for (const o of big.services) sources.services.set(o);
  for (const o of big.slices) sources.slices.set(o);
  for (const o of big.ingressObjs) sources.ingresses.set(o);
  const controller = new IngressController(sources, classPolicy(), { apply: (t) => dp.apply(t), changes: pool ? (c, g) => pool.sendChanges(c, g) : undefined });
  controller.start();
  const everywhere = async () => {
    while (pool && pool.appliedGeneration() < controller.generation) await new Promise((r) => setImmediate(r));
  };
  while (!controller.synced || controller.compiles === 0) await new Promise((r) => setTimeout(r, 5));
  await everywhere();
  const routeMs: number[] = [];
  const endpointMs: number[] = [];
  const compileMs: number[] = [];
  const until = async (host: string, status: number) => {
    while ((await get(dp.httpPort, host)) !== status) await new Promise((r) => setImmediate(r));
    await everywhere();
  };
  try {
    for (let i = 0; i < samples; i++) {
      const host = `new${i}.example`;
      const t0 = performance.now();
      sources.ingresses.set(api.ingress(`new-${i}`, [{ host, paths: [{ path: '/', service: 'svc-0' }] }], 'default', 10_000_000 + i));
      await until(host, 200);
      routeMs.push(performance.now() - t0);
      compileMs.push(controller.lastCompileMs);
      // Endpoint change: svc-1 loses its only endpoint (→ 503), then gets it back (→ 200).
      const t1 = performance.now();
      sources.slices.set(api.slice('svc-1', []));
      await until('h1.example', 503);
      endpointMs.push(performance.now() - t1);
      compileMs.push(controller.lastCompileMs);
      sources.slices.set(api.slice('svc-1', [{ address: '127.0.0.1', port: backendPort }]));
      await until('h1.example', 200);
    }
    const dist = (xs: number[]) => ({ p50: round(percentile(xs, 50), 1), p99: round(percentile(xs, 99), 1), max: round(Math.max(...xs), 1) });
    return {
      workers,
      samples,
      load1mAtEnd: round(loadavg()[0], 2),
      routes: dp.plane.table.routeCount,
      compileMs: dist(compileMs),
      ingressChangeToTrafficMs: dist(routeMs),
      endpointChangeToTrafficMs: dist(endpointMs),
    };
  } finally {
    controller.stop();
    await pool?.close();
    await dp.close();
    backend.close();
  }
}

/** Memory and compile time of a 10k-route table, on the compile side alone. */
function memoryAt10k(): Record<string, unknown> {
  const state: ClusterState = { ingresses: [], classes: [], services: [], slices: [], secrets: [] };
  for (let i = 0; i < 1000; i++) {
    state.services.push({ namespace: 'default', name: `svc-${i}`, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] });
    state.slices.push({ namespace: 'default', name: `svc-${i}-a`, service: `svc-${i}`, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: [`10.0.${i >> 8}.${i & 255}`], ready: true }, { addresses: [`10.1.${i >> 8}.${i & 255}`], ready: true }] });
    state.ingresses.push(ingressInfo(`ing-${i}`, { host: `h${i}.example`, paths: Array.from({ length: 10 }, (_, j) => pathInfo(`/p${j}`, 'Prefix', `svc-${(i + j) % 1000}`)) }));
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const { table } = compileRoutes(state, classPolicy());
  const ms = performance.now() - t0;
  gc?.();
  const after = process.memoryUsage().heapUsed;
  return { routes: table.routeCount, compileMs: round(ms, 1), tableHeapMiB: round((after - before) / 1024 / 1024, 1), exactGc: Boolean(gc), incremental: incrementalAt10k(state) };
}

/** The incremental compiler at 10k routes: its memory with the table, and one-change compiles. */
function incrementalAt10k(state: ClusterState): Record<string, unknown> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const inc = new IncrementalCompiler(classPolicy());
  let result = inc.compile(state);
  gc?.();
  const heapMiB = round((process.memoryUsage().heapUsed - before) / 1024 / 1024, 1);
  const ingressMs: number[] = [];
  const sliceMs: number[] = [];
  for (let k = 0; k < 50; k++) {
    const i = (k * 37) % 1000;
    state.ingresses[i] = { ...state.ingresses[i], annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': String(10 + k) } };
    let t0 = performance.now();
    result = inc.compile({ ...state });
    ingressMs.push(performance.now() - t0);
    state.slices[i] = { ...state.slices[i], endpoints: state.slices[i].endpoints.slice(0, 1 + (k % 2)) };
    t0 = performance.now();
    result = inc.compile({ ...state });
    sliceMs.push(performance.now() - t0);
  }
  const dist = (xs: number[]) => ({ p50: round(percentile(xs, 50), 2), p99: round(percentile(xs, 99), 2) });
  return { routes: result.table.routeCount, compilerAndTableHeapMiB: heapMiB, oneIngressChangeCompileMs: dist(ingressMs), oneSliceChangeCompileMs: dist(sliceMs), load1m: round(loadavg()[0], 2) };
}

export async function benchIngress(): Promise<Record<string, unknown>> {
  const seconds = small ? 2 : 5;
  const rounds = small ? 1 : 3;
  const result: Record<string, unknown> = {
    tool: `wrk -t2, ${seconds} s per run, 2 s warm-up each, ${rounds} rounds alternating nginx/svcnet; ratios = median of per-round svcnet ÷ nginx; cpuUsPerRequest = the proxy processes' user/sys CPU per request from /proc`,
    backend: 'nginx returning a 23-byte 200 (separate processes, as many workers as the proxies); backendDirect = wrk straight at it',
    nginx: 'nginx 1.22 reverse proxy: worker_processes = workersN, upstream keepalive 320, proxy_http_version 1.1, proxy_buffering off, ingress-nginx X-Forwarded-*/X-Real-IP/X-Request-ID headers, access log off',
    svcnet: 'svcnet data plane: main process + workersN-1 worker processes, access log off',
  };
  const parts = (process.env.BENCH_INGRESS_PARTS ?? 'memory,propagation,throughput').split(',');
  if (parts.includes('memory')) result.memory10kRoutes = memoryAt10k();
  if (parts.includes('propagation')) {
    const runs: unknown[] = [];
    result.propagation10kRoutes = { load1mAtStart: round(loadavg()[0], 2), runs };
    for (const w of (process.env.BENCH_INGRESS_PROPAGATION_WORKERS ?? '1,2').split(',').map(Number)) runs.push(await propagation(small ? 10 : 50, w));
  }
  const workerCounts = (process.env.BENCH_INGRESS_WORKERS ?? '1,2').split(',').map(Number);
  if (parts.includes('throughput')) for (const w of workerCounts) result[`workers${w}`] = await throughput(seconds, rounds, w);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--serve') {
    await serve(JSON.parse(process.argv[3]));
  } else {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
    const r = await benchIngress();
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  }
}
