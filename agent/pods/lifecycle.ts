/**
 * Pure lifecycle decisions, as the kubelet makes them: whether a stopped container is started
 * again, how long the CrashLoopBackOff wait is, and what phase the pod is in.
 */
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface Terminated {
  exitCode: number;
  signal?: number;
  reason: string; // Completed | Error | ContainerStatusUnknown
  message?: string;
  startedAt?: string;
  finishedAt: string;
  containerID?: string;
}

export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string; pid: number }
  | { kind: 'terminated'; terminated: Terminated };

export const initialBackoffSeconds = 10;
export const maxBackoffSeconds = 300;
/** A container that ran this long without failing starts its back-off from scratch. */
export const backoffResetMs = 10 * 60 * 1000;

export function shouldRestart(policy: RestartPolicy, exitCode: number): boolean {
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/**
 * The wait before the next start. The first restart after a crash is immediate (kubelet's back-off
 * entry does not exist yet); later ones wait 10 s, 20 s, 40 s … up to 5 min.
 */
export function nextBackoffSeconds(previous: number | undefined, ranForMs: number): number {
  if (previous === undefined || ranForMs >= backoffResetMs) return 0;
  if (previous === 0) return initialBackoffSeconds;
  return Math.min(previous * 2, maxBackoffSeconds);
}

export function terminatedReason(exitCode: number): string {
  return exitCode === 0 ? 'Completed' : 'Error';
}

/** Exit code of a process killed by a signal, as shells and runtimes report it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null, signals: Record<string, number>): number {
  if (code !== null) return code;
  return 128 + (signal ? (signals[signal] ?? 9) : 9);
}

export interface PhaseInput {
  policy: RestartPolicy;
  initFailed: boolean;
  initDone: boolean;
  containers: { state: ContainerState; everRan: boolean; lastExitCode?: number }[];
}

/** kubelet getPhase, simplified to what svcnet's containers can be in. */
export function podPhase(p: PhaseInput): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (p.initFailed) return 'Failed';
  if (!p.initDone) return 'Pending';
  let running = 0;
  let waitingNew = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of p.containers) {
    if (c.state.kind === 'running') running++;
    else if (c.state.kind === 'terminated') {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.everRan) {
      // waiting to restart (CrashLoopBackOff): counts as stopped with its last exit code
      stopped++;
      if (c.lastExitCode === 0) succeeded++;
    } else waitingNew++;
  }
  if (waitingNew > 0) return running > 0 || stopped > 0 ? 'Running' : 'Pending';
  if (running > 0) return 'Running';
  if (stopped === p.containers.length && p.containers.length > 0) {
    if (p.policy === 'Always') return 'Running';
    if (succeeded === stopped) return 'Succeeded';
    if (p.policy === 'Never') return 'Failed';
    return 'Running'; // OnFailure: the failed ones start again
  }
  return 'Pending';
}
