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
import { loadavg } from 'node:os';
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

/**
 * Lets every thread of `pid` but the main one run on both CPUs. Needed beside a real-time main
 * thread: V8's main thread waits for its GC helpers in places by spinning, and a helper on the
 * same CPU as a real-time spinner runs only when the kernel's real-time throttling steps in, after
 * up to a second (seen here as 1.2 s stalls under endpoint churn). Off the server's CPU they also
 * add a little parallel GC capacity the one-core figures would not have; that is the price.
 */
export function unpinHelperThreads(pid: number): void {
  for (const tid of threadsOf(pid)) if (tid !== pid) spawnSync('taskset', ['-p', '-c', `${serverCpu},${dnsperfCpu}`, String(tid)], { stdio: 'ignore' });
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

export interface Target {
  readonly name: string;
  readonly port: number;
  /** The threads put at real-time priority for the isolated runs. */
  readonly servingThreads: readonly number[];
  /** Toggles the server's own update load: each round then has one more half-load run with it on. */
  readonly toggleChurn?: () => void;
}

export interface Measured {
  peak: PerfRun;
  /** At half of `peak`, isolated when asked: the round with the median p99 (the goal's figure). */
  half: PerfRun;
  /** p99 of every half-load round, in order. */
  halfP99sMs: number[];
  /** The same rate without isolation, once: what the machine's other work adds. */
  halfShared: PerfRun;
  /** Servers after the first: at the first one's half-load rate too (same offered load, median p99 round). */
  atFirstsHalf?: PerfRun;
  /** p99 of every round at the first one's rate, in order. */
  atFirstsHalfP99sMs?: number[];
  /** Servers with `toggleChurn`: at half load with it on (median p99 round). */
  halfWithChurn?: PerfRun;
  loadBefore: number[];
  loadAfter: number[];
}

/**
 * Warm-up (JIT, reply cache) and peak rate per server, then `rounds` rounds of latency at half of
 * each server's own peak, the servers taking turns so that both meet the same spells of load from
 * the rest of the machine; then one non-isolated half-load run each. The other servers are also
 * measured at the first one's half-load rate: at a much higher rate dnsperf itself (one CPU,
 * writing a line per query) adds to the tail, so only the same offered load compares servers.
 */
export function measureAll(targets: readonly Target[], queries: string, outDir: string, seconds: number, isolate: boolean, rounds: number): Map<string, Measured> {
  const run = (t: Target, o: Omit<PerfOptions, 'realtime'>, realtime = isolate): PerfRun => {
    if (realtime) setRealtime(t.servingThreads, true);
    try {
      return dnsperf(t.port, queries, outDir, { ...o, realtime });
    } finally {
      if (realtime) setRealtime(t.servingThreads, false);
    }
  };
  const loadBefore = loadavg().map((l) => round(l, 1));
  const peaks = new Map<string, PerfRun>();
  for (const t of targets) {
    run(t, { seconds: 2 }, false);
    // At most 5 s: an unlimited run at real-time priority holds both CPUs for its whole length.
    peaks.set(t.name, run(t, { seconds: Math.min(seconds, 5) }));
  }
  const halves = new Map<string, PerfRun[]>(targets.map((t) => [t.name, []]));
  const atFirsts = new Map<string, PerfRun[]>(targets.map((t) => [t.name, []]));
  const churned = new Map<string, PerfRun[]>(targets.map((t) => [t.name, []]));
  const firstHalf = peaks.get(targets[0]!.name)!.qps / 2;
  for (let r = 0; r < rounds; r++) {
    for (const t of targets) {
      halves.get(t.name)!.push(run(t, { seconds, maxQps: peaks.get(t.name)!.qps / 2 }));
      if (t !== targets[0]) atFirsts.get(t.name)!.push(run(t, { seconds, maxQps: firstHalf }));
      if (t.toggleChurn) churned.get(t.name)!.push(withChurn(t.toggleChurn, () => run(t, { seconds, maxQps: peaks.get(t.name)!.qps / 2 })));
    }
  }
  const shared = new Map(targets.map((t) => [t.name, isolate ? run(t, { seconds, maxQps: peaks.get(t.name)!.qps / 2 }, false) : undefined]));
  const loadAfter = loadavg().map((l) => round(l, 1));
  const out = new Map<string, Measured>();
  for (const t of targets) {
    const runs = halves.get(t.name)!;
    const others = atFirsts.get(t.name)!;
    const withUpdates = churned.get(t.name)!;
    out.set(t.name, {
      peak: peaks.get(t.name)!,
      half: medianP99(runs),
      halfP99sMs: runs.map((x) => x.p99Ms ?? Infinity),
      halfShared: shared.get(t.name) ?? medianP99(runs),
      ...(others.length ? { atFirstsHalf: medianP99(others), atFirstsHalfP99sMs: others.map((x) => x.p99Ms ?? Infinity) } : {}),
      ...(withUpdates.length ? { halfWithChurn: medianP99(withUpdates) } : {}),
      loadBefore,
      loadAfter,
    });
  }
  return out;
}

function medianP99(runs: readonly PerfRun[]): PerfRun {
  return [...runs].sort((a, b) => (a.p99Ms ?? Infinity) - (b.p99Ms ?? Infinity))[Math.floor(runs.length / 2)]!;
}

function withChurn<T>(toggle: () => void, run: () => T): T {
  toggle();
  try {
    return run();
  } finally {
    toggle();
  }
}
