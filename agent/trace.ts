/**
 * Pod start timeline for the benchmark: when SVCNET_AGENT_TRACE names a file, `mark(pod, step)`
 * records the wall-clock time (ms, sub-ms precision, comparable across processes of the machine)
 * of each step of a pod's start, and the file receives them as JSON lines every half second and
 * at exit. Without the variable, `mark` does nothing.
 */
import { appendFileSync } from 'node:fs';

const path = process.env.SVCNET_AGENT_TRACE;
let pending: string[] = [];

function flush(): void {
  if (!path || pending.length === 0) return;
  appendFileSync(path, pending.join(''));
  pending = [];
}

if (path) {
  setInterval(flush, 500).unref();
  process.on('exit', flush);
}

export const tracing = Boolean(path);

/** Wall-clock milliseconds with the precision of performance.now(). */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** `pod`: namespace/name. */
export function mark(pod: string, step: string, extra?: Record<string, unknown>): void {
  if (path) pending.push(JSON.stringify({ pod, step, t: wallMs(), ...extra }) + '\n');
}
