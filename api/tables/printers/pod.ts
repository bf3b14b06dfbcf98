/**
 * Pods: READY, STATUS, RESTARTS as kubelet-reported state reads to a human. The STATUS
 * algorithm follows the upstream printer step by step (init containers, then app containers from
 * last to first, then deletion), because users compare it with real clusters line by line.
 */
import type { KubeObject } from '../../types.js';
import { humanDuration, parseTimestamp, timeSince } from '../duration.js';
import { int, list, obj, optBool, optObj, str, type Obj } from '../fields.js';
import { ageColumn, column, docColumn, nameColumn, wide, type Printer, type TableRowCondition } from '../types.js';

export const podPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    docColumn('IP', 'string', 'core/v1 PodStatus.podIP', wide),
    docColumn('Node', 'string', 'core/v1 PodSpec.nodeName', wide),
    docColumn('Nominated Node', 'string', 'core/v1 PodStatus.nominatedNodeName', wide),
    docColumn('Readiness Gates', 'string', 'core/v1 PodSpec.readinessGates', wide),
  ],
  cells(pod, now) {
    const s = summarizePod(pod);
    const spec = obj(pod, 'spec');
    const status = obj(pod, 'status');
    return [
      pod.metadata.name ?? '',
      `${s.ready}/${s.total}`,
      s.reason,
      restartsCell(s.restarts, now),
      timeSince(pod.metadata.creationTimestamp, now),
      orNone(podIP(status)),
      orNone(str(spec, 'nodeName')),
      orNone(str(status, 'nominatedNodeName')),
      readinessGatesCell(spec, status),
    ];
  },
  conditions(pod) {
    // Copies, so a caller editing one row cannot change every later finished pod's row.
    return finishedConditions.get(str(obj(pod, 'status'), 'phase'))?.map((c) => ({ ...c }));
  },
};

/** Rows of finished pods say so, letting clients grey them out or hide them. */
const finishedConditions = new Map<string, TableRowCondition[]>([
  ['Succeeded', [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]],
  ['Failed', [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]],
]);

export interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: RestartCount;
}

/** A restart total and when the latest counted restart ended (ms since epoch). */
interface RestartCount {
  count: number;
  lastAt?: number;
}

/** READY counts, the STATUS text and the RESTARTS total of a pod, as the upstream printer computes them. */
export function summarizePod(pod: KubeObject): PodSummary {
  const spec = obj(pod, 'spec');
  const status = obj(pod, 'status');
  const phase = str(status, 'phase');
  const sidecars = sidecarNames(spec);
  const initCount = list(spec, 'initContainers').length;
  const s: PodSummary = {
    ready: 0,
    total: list(spec, 'containers').length + sidecarCount(spec),
    reason: str(status, 'reason') || phase,
    restarts: { count: 0 },
  };
  if (isSchedulingGated(status)) s.reason = 'SchedulingGated';

  const sidecarRestarts: RestartCount = { count: 0 };
  const initializing = walkInitContainers(list(status, 'initContainerStatuses'), sidecars, initCount, s, sidecarRestarts);
  if (!initializing || hasCondition(status, 'Initialized')) {
    // Once initialized, only sidecars' restarts still count next to the app containers'.
    s.restarts = sidecarRestarts;
    const hasRunning = walkAppContainers(list(status, 'containerStatuses'), s);
    // A finished container next to a still-running one is not a completed pod.
    if (s.reason === 'Completed' && hasRunning) {
      s.reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
    }
  }
  const deleting = typeof pod.metadata.deletionTimestamp === 'string' && pod.metadata.deletionTimestamp !== '';
  if (deleting && str(status, 'reason') === 'NodeLost') s.reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') s.reason = 'Terminating';
  return s;
}

/**
 * Init containers in order: finished ones are skipped, started sidecars count toward READY, and
 * the first one still pending decides STATUS (`Init:1/2`, `Init:CrashLoopBackOff`, `Init:Error`).
 * Returns whether the pod is still initializing.
 */
function walkInitContainers(statuses: Obj[], sidecars: Set<string>, initCount: number, s: PodSummary, sidecarRestarts: RestartCount): boolean {
  for (const [i, c] of statuses.entries()) {
    const isSidecar = sidecars.has(str(c, 'name'));
    countRestarts(s.restarts, c);
    if (isSidecar) countRestarts(sidecarRestarts, c);
    const state = obj(c, 'state');
    const terminated = optObj(state, 'terminated');
    const waiting = optObj(state, 'waiting');
    if (terminated && int(terminated, 'exitCode') === 0) continue;
    if (isSidecar && optBool(c, 'started') === true) {
      if (optBool(c, 'ready') === true) s.ready++;
      continue;
    }
    if (terminated) s.reason = `Init:${terminatedReason(terminated)}`;
    else if (waiting && str(waiting, 'reason') !== '' && str(waiting, 'reason') !== 'PodInitializing') s.reason = `Init:${str(waiting, 'reason')}`;
    else s.reason = `Init:${i}/${initCount}`;
    return true;
  }
  return false;
}

/**
 * App containers from last to first, so the first container's problem is what STATUS shows.
 * Returns whether some container is ready and running.
 */
function walkAppContainers(statuses: Obj[], s: PodSummary): boolean {
  let hasRunning = false;
  for (const c of [...statuses].reverse()) {
    countRestarts(s.restarts, c);
    const state = obj(c, 'state');
    const waiting = optObj(state, 'waiting');
    const terminated = optObj(state, 'terminated');
    if (waiting && str(waiting, 'reason') !== '') s.reason = str(waiting, 'reason');
    else if (terminated) s.reason = terminatedReason(terminated);
    else if (optBool(c, 'ready') === true && optObj(state, 'running')) {
      hasRunning = true;
      s.ready++;
    }
  }
  return hasRunning;
}

/** `Completed`/`Error`/`OOMKilled`, or `Signal:9`/`ExitCode:2` when the runtime gave no reason. */
function terminatedReason(terminated: Obj): string {
  const reason = str(terminated, 'reason');
  if (reason !== '') return reason;
  const signal = int(terminated, 'signal');
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${int(terminated, 'exitCode')}`;
}

function countRestarts(total: RestartCount, c: Obj): void {
  total.count += int(c, 'restartCount');
  const finishedAt = parseTimestamp(str(optObj(obj(c, 'lastState'), 'terminated'), 'finishedAt'));
  if (finishedAt !== undefined && (total.lastAt === undefined || finishedAt > total.lastAt)) total.lastAt = finishedAt;
}

/** `3`, or `3 (5m ago)` when the last restart's end time is known. */
function restartsCell(r: RestartCount, now: Date): string {
  if (r.count === 0 || r.lastAt === undefined) return String(r.count);
  return `${r.count} (${humanDuration(now.getTime() - r.lastAt)} ago)`;
}

/** Init containers with `restartPolicy: Always` run beside the app containers (sidecars). */
function sidecarNames(spec: Obj): Set<string> {
  return new Set(list(spec, 'initContainers').filter(isSidecar).map((c) => str(c, 'name')));
}

function sidecarCount(spec: Obj): number {
  return list(spec, 'initContainers').filter(isSidecar).length;
}

function isSidecar(container: Obj): boolean {
  return str(container, 'restartPolicy') === 'Always';
}

function isSchedulingGated(status: Obj): boolean {
  return list(status, 'conditions').some((c) => str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated');
}

function hasCondition(status: Obj, type: string): boolean {
  return list(status, 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

/** The first pod IP; older writers set only `podIP`, which conversion turns into `podIPs[0]`. */
function podIP(status: Obj): string {
  const first = list(status, 'podIPs')[0];
  return first ? str(first, 'ip') : str(status, 'podIP');
}

/** `1/2` gates whose condition is True, or `<none>` without gates. */
function readinessGatesCell(spec: Obj, status: Obj): string {
  const gates = list(spec, 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = list(status, 'conditions');
  const met = gates.filter((g) => {
    const c = conditions.find((cond) => str(cond, 'type') === str(g, 'conditionType'));
    return c !== undefined && str(c, 'status') === 'True';
  }).length;
  return `${met}/${gates.length}`;
}

function orNone(s: string): string {
  return s === '' ? '<none>' : s;
}
