/**
 * V8 garbage-collector settings for a process that serves DNS, applied at startup.
 *
 * Every UDP query costs Node ~0.6 KB of young-generation garbage (the datagram's Buffer and its
 * ArrayBuffer, rinfo, the send request), so at 40,000 queries a second V8 scavenges 25–40 times a
 * second, and each scavenge is a pause every query waiting meanwhile pays. Measured on the shared
 * 2-core machine (bench/dns.ts, isolated runs at half load): with V8's defaults the scavenges wait
 * for GC helper threads (parallel scavenging, concurrent ArrayBuffer sweeping) that the scheduler
 * runs late on a busy machine, so single pauses reach 5–15 ms; with the work kept on the serving
 * thread and the young generation capped at 1 MiB per semi-space a scavenge takes ~0.6 ms (more
 * when the machine is busy), and the median p99 of 9 rounds went from 5.5 ms to 2.0 ms (Knot in
 * the same rounds 0.71 ms; dns/README.md). The cap also keeps the young generation from growing
 * to 2 × 16 MiB (RSS).
 *
 * These three are read by V8 each time it collects, so setting them at runtime takes effect;
 * `--single-threaded-gc` would cover more, but it cannot be changed once V8 runs (it aborts in the
 * next marking) and a flag on the node command line is not ours to set. The cap holds the young
 * generation within one growth step of its current size (1 -> 2 MiB from a fresh start, as
 * `--max-semi-space-size=1` gives): call this before the process allocates much.
 */
import v8 from 'node:v8';

export const dnsGcFlags = ['--no-parallel-scavenge', '--no-concurrent-array-buffer-sweeping', '--semi-space-growth-factor=1'] as const;

let applied = false;

/** Process-wide and idempotent: affects every component sharing the process (`svcnet up`). */
export function tuneGcForDns(): void {
  if (applied) return;
  applied = true;
  for (const flag of dnsGcFlags) v8.setFlagsFromString(flag);
}
