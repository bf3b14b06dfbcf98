/**
 * Pod status as the kubelet reports it (pure): phase, conditions with stable transition times,
 * addresses, start time and one status per container.
 */
import type { ContainerStateJson, ContainerStatusJson, PodCondition, PodStatusJson } from '../pod/types.js';
import { podPhase, type ContainerState, type RestartPolicy, type Terminated } from './lifecycle.js';

export interface ContainerView {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  restartCount: number;
  state: ContainerState;
  lastTerminated?: Terminated;
  ready: boolean;
  started: boolean;
  everRan: boolean;
}

export interface PodView {
  policy: RestartPolicy;
  sandboxReady: boolean;
  podIP?: string;
  hostIP: string;
  startTime: string;
  initContainers: ContainerView[];
  containers: ContainerView[];
  /** Init containers all completed successfully. */
  initDone: boolean;
  initFailed: boolean;
  previous?: PodStatusJson;
}

function stateJson(s: ContainerState, containerID?: string): ContainerStateJson {
  if (s.kind === 'waiting') return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
  if (s.kind === 'running') return { running: { startedAt: s.startedAt } };
  return { terminated: terminatedJson(s.terminated, containerID) };
}

function terminatedJson(t: Terminated, containerID?: string): NonNullable<ContainerStateJson['terminated']> {
  return {
    exitCode: t.exitCode,
    ...(t.signal ? { signal: t.signal } : {}),
    reason: t.reason,
    ...(t.message ? { message: t.message } : {}),
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    ...(t.containerID ?? containerID ? { containerID: t.containerID ?? containerID } : {}),
  };
}

export function containerStatusJson(c: ContainerView): ContainerStatusJson {
  return {
    name: c.name,
    image: c.image,
    imageID: c.everRan ? c.imageID : '',
    ...(c.containerID ? { containerID: c.containerID } : {}),
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
    state: stateJson(c.state, c.containerID),
    lastState: c.lastTerminated ? { terminated: terminatedJson(c.lastTerminated) } : {},
  };
}

function condition(type: string, ok: boolean, previous: PodCondition[] | undefined, now: string, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const prev = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    ...(!ok && reason ? { reason } : {}),
    ...(!ok && message ? { message } : {}),
  };
}

function notReady(list: ContainerView[], pred: (c: ContainerView) => boolean): string[] {
  return list.filter((c) => !pred(c)).map((c) => c.name);
}

export function buildPodStatus(v: PodView, now: string): PodStatusJson {
  const phase = podPhase({
    policy: v.policy,
    initDone: v.initDone,
    initFailed: v.initFailed,
    containers: v.containers.map((c) => ({ state: c.state, everRan: c.everRan, lastExitCode: c.lastTerminated?.exitCode })),
  });
  const prev = v.previous?.conditions;
  const unready = notReady(v.containers, (c) => c.ready);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = unready.length === 0 && !terminal;
  const unreadyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const initPending = notReady(v.initContainers, (c) => c.state.kind === 'terminated' && c.state.terminated.exitCode === 0);
  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', v.sandboxReady, prev, now),
    condition('Initialized', v.initDone, prev, now, 'ContainersNotInitialized', `containers with incomplete status: [${initPending.join(' ')}]`),
    condition('Ready', containersReady, prev, now, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : unreadyMsg),
    condition('ContainersReady', containersReady, prev, now, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : unreadyMsg),
    // Built like the others, keeping the scheduler's transition time: the stored copy has lost its
    // `lastProbeTime: null` (the merge patch removes null fields), and reusing it as it came back
    // made every status differ from the one sent, so each pod's status was written twice.
    condition('PodScheduled', true, prev, now),
  ];
  return {
    phase,
    conditions,
    hostIP: v.hostIP,
    hostIPs: [{ ip: v.hostIP }],
    ...(v.podIP ? { podIP: v.podIP, podIPs: [{ ip: v.podIP }] } : {}),
    startTime: v.startTime,
    ...(v.initContainers.length ? { initContainerStatuses: v.initContainers.map(containerStatusJson) } : {}),
    containerStatuses: v.containers.map(containerStatusJson),
    ...(v.previous?.qosClass ? { qosClass: v.previous.qosClass } : { qosClass: 'BestEffort' }),
  };
}
