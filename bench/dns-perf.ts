/**
 * dnsperf runs for the cluster DNS benchmark: the server on CPU 0, dnsperf on CPU 1, latencies
 * from dnsperf's own per-query lines (-v), and optional isolation from the rest of the machine.
 *
 * Isolation: on a shared machine other processes' time slices land in whichever latency is being
 * measured (Knot's p99 at half load was 50–200 ms here at load 8, nice -20 did not help), so the
 * measured runs put dnsperf and the server's serving thread(s) at real-time priority
 * (SCHED_FIFO) for their duration only. For Node that is the main thread alone: V8's helper
 * threads stay ordinary, since a helper that cannot run beside a spinning real-time main thread
 * on the same CPU is how a real-time Node process locks up.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, round } from './stats.js';

export const serverCpu = 0;
const dnsperfCpu = 1;
const realtimePriority = '50';

export interface PerfRun {
  /** -Q, when the rate was limited. */
  offeredQps?: number;
  qps: number;
  sent: number;
  lost: number;
  rcodes: string;
  avgLatencyMs: number;
  /** Percentiles over every query sent; a lost query counts as infinitely late. */
  p50Ms?: number;
  p99Ms?: number;
  p999Ms?: number;
  maxMs?: number;
}

export interface PerfOptions {
  seconds: number;
  /** -Q: queries per second; also turns on per-query latencies. */
  maxQps?: number;
  realtime: boolean;
}

/** `taskset -c CPU argv…`. */
export function pinnedArgv(cpu: number, argv: string[]): string[] {
  return ['taskset', '-c', String(cpu), ...argv];
}

/** Whether the measured runs can be isolated (real-time priority needs root and chrt). */
export function canIsolate(): boolean {
  return process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v chrt'], { stdio: 'ignore' }).status === 0;
}

/** Puts threads at real-time priority, or back to the ordinary policy. */
export function setRealtime(tids: readonly number[], on: boolean): void {
  for (const tid of tids) {
    const args = on ? ['-f', '-p', realtimePriority, String(tid)] : ['-o', '-p', '0', String(tid)];
    const r = spawnSync('chrt', args, { stdio: 'ignore' });
    // A thread may have exited since it was listed; anything else means the figures are not isolated.
    if (r.status !== 0 && on && readdirSync('/proc').includes(String(tid))) throw new Error(`bench/dns: chrt ${args.join(' ')} failed`);
  }
}

/** Every thread of a process (Knot: its UDP worker is one of several). */
export function threadsOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map(Number);
}

export function dnsperf(port: number, queries: string, outDir: string, o: PerfOptions): PerfRun {
  const args = ['dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(o.seconds), '-c', '4', '-q', '200'];
  if (o.maxQps) args.push('-Q', String(Math.floor(o.maxQps)), '-v');
  const argv = pinnedArgv(dnsperfCpu, o.realtime ? ['chrt', '-f', realtimePriority, ...args] : args);
  // Straight into a file: a pipe would have this process read 10^5 lines while the run goes on.
  const outPath = join(outDir, 'dnsperf.out');
  const fd = openSync(outPath, 'w');
  try {
    spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const out = readFileSync(outPath, 'utf8');
  rmSync(outPath);
  return { ...(o.maxQps ? { offeredQps: Math.floor(o.maxQps) } : {}), ...summary(out), ...(o.maxQps ? latencies(out) : {}) };
}

function summary(out: string): PerfRun {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    qps: round(num(/Queries per second:\s+([\d.]+)/), 0),
    sent: num(/Queries sent:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    rcodes: /Response codes:\s+([^\n]*)/.exec(out)?.[1] ?? '',
    avgLatencyMs: round(num(/Average Latency \(s\):\s+([\d.]+)/) * 1000, 3),
  };
}

/** dnsperf -v prints `> RCODE name type seconds` per answered query and `> T name type` per lost one. */
export function latencies(out: string): Pick<PerfRun, 'p50Ms' | 'p99Ms' | 'p999Ms' | 'maxMs'> {
  const ms: number[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('> ')) continue;
    const fields = line.split(' ');
    ms.push(fields[1] === 'T' ? Infinity : Number(fields[fields.length - 1]) * 1000);
  }
  return { p50Ms: round(percentile(ms, 50), 3), p99Ms: round(percentile(ms, 99), 3), p999Ms: round(percentile(ms, 99.9), 3), maxMs: round(percentile(ms, 100), 3) };
}

export interface Measured {
  peak: PerfRun;
  /** At half of `peak`, isolated when asked: the goal's figure. */
  half: PerfRun;
  /** The same rate without isolation: what the machine's other work adds. */
  halfShared: PerfRun;
}

/**
 * Warm-up (JIT, reply cache), peak rate, then latency at half of that peak, isolated and not.
 * `servingThreads` are the server threads put at real-time priority for the isolated runs.
 */
export function measure(port: number, queries: string, outDir: string, seconds: number, servingThreads: readonly number[] | null): Measured {
  dnsperf(port, queries, outDir, { seconds: 2, realtime: false });
  const realtime = servingThreads !== null;
  let peak: PerfRun;
  let half: PerfRun;
  if (realtime) setRealtime(servingThreads, true);
  try {
    // At most 5 s: an unlimited run at real-time priority holds both CPUs for its whole length.
    peak = dnsperf(port, queries, outDir, { seconds: Math.min(seconds, 5), realtime });
    half = dnsperf(port, queries, outDir, { seconds, maxQps: peak.qps / 2, realtime });
  } finally {
    if (realtime) setRealtime(servingThreads, false);
  }
  const halfShared = realtime ? dnsperf(port, queries, outDir, { seconds, maxQps: peak.qps / 2, realtime: false }) : half;
  return { peak, half, halfShared };
}
