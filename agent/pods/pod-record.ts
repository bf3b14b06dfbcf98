/**
 * What the agent remembers about a pod on disk, <data-dir>/agent/pods/<uid>/state.json, so a
 * restarted agent can adopt running containers (pids, restart counts, back-off) or clean up after
 * pods that are gone. Written before the namespace is created, so nothing exists without a record.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Terminated } from './lifecycle.js';

export interface ContainerRecord {
  restartCount: number;
  pid?: number;
  startedAt?: string;
  startedAtMs?: number;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  backoffSeconds?: number;
  /** Stopped and moved to lastTerminated; the next start counts as a restart. */
  pendingRestart?: boolean;
  /** Environment of the running process, for exec sessions. */
  env?: [string, string][];
}

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  hash: string;
  hostNetwork: boolean;
  ip?: string;
  /** The sandbox's holder process (net/sandbox-holder.ts); records of older agents have none. */
  holderPid?: number;
  startTime: string;
  containers: Record<string, ContainerRecord>;
}

export function podDir(agentDir: string, uid: string): string {
  return join(agentDir, 'pods', uid);
}

export function saveRecord(agentDir: string, r: PodRecord): void {
  const dir = podDir(agentDir, r.uid);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, 'state.json.tmp');
  writeFileSync(tmp, JSON.stringify(r));
  renameSync(tmp, join(dir, 'state.json'));
}

export function loadRecords(agentDir: string): PodRecord[] {
  const root = join(agentDir, 'pods');
  if (!existsSync(root)) return [];
  const out: PodRecord[] = [];
  for (const uid of readdirSync(root)) {
    const file = join(root, uid, 'state.json');
    try {
      out.push(JSON.parse(readFileSync(file, 'utf8')) as PodRecord);
    } catch {
      // no or torn state: the directory is swept as an orphan by the caller
      out.push({ uid, namespace: '', name: '', hash: '', hostNetwork: false, startTime: '', containers: {} });
    }
  }
  return out;
}
