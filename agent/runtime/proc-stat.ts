/** A process's command and state from `/proc/<pid>/stat`, or undefined when it is gone. */
import { readFileSync } from 'node:fs';

export interface ProcCommState {
  comm: string;
  /** One letter: R, S, D, Z (exited, not reaped yet), … */
  state: string;
}

export function procCommState(pid: number): ProcCommState | undefined {
  try {
    // "pid (comm) S …": comm may itself contain ") ", so the greedy match ends at the last one.
    const m = /^\d+ \((.*)\) (\S)/s.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return m ? { comm: m[1]!, state: m[2]! } : undefined;
  } catch {
    return undefined;
  }
}
