import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoffSeconds, podPhase, shouldRestart, type ContainerState } from './lifecycle.js';
import { buildPodStatus, type ContainerView } from './pod-status.js';
import { formatRecord, parseRecord, selectRecords, renderRecord } from '../runtime/cri-log.js';

const running: ContainerState = { kind: 'running', startedAt: '2024-01-01T00:00:00Z', pid: 1 };
const exited = (code: number): ContainerState => ({ kind: 'terminated', terminated: { exitCode: code, reason: code ? 'Error' : 'Completed', finishedAt: '2024-01-01T00:00:01Z' } });

describe('restart decisions', () => {
  it('follows restartPolicy', () => {
    assert.equal(shouldRestart('Always', 0), true);
    assert.equal(shouldRestart('OnFailure', 0), false);
    assert.equal(shouldRestart('OnFailure', 1), true);
    assert.equal(shouldRestart('Never', 1), false);
  });
  it('backs off 0, 10, 20, 40 … 300 s and resets after 10 min of running', () => {
    const seq: number[] = [];
    let b: number | undefined;
    for (let i = 0; i < 8; i++) seq.push((b = nextBackoffSeconds(b, 1000)));
    assert.deepEqual(seq, [0, 10, 20, 40, 80, 160, 300, 300]);
    assert.equal(nextBackoffSeconds(300, 11 * 60 * 1000), 0);
  });
});

describe('pod phase', () => {
  const c = (state: ContainerState, everRan = true, lastExitCode?: number) => ({ state, everRan, lastExitCode });
  it('is Pending before anything ran, Running while a container runs or restarts', () => {
    assert.equal(podPhase({ policy: 'Always', initDone: true, initFailed: false, containers: [c({ kind: 'waiting', reason: 'ContainerCreating' }, false)] }), 'Pending');
    assert.equal(podPhase({ policy: 'Always', initDone: true, initFailed: false, containers: [c(running)] }), 'Running');
    assert.equal(podPhase({ policy: 'Always', initDone: true, initFailed: false, containers: [c({ kind: 'waiting', reason: 'CrashLoopBackOff' }, true, 1)] }), 'Running');
    assert.equal(podPhase({ policy: 'Always', initDone: false, initFailed: false, containers: [c({ kind: 'waiting', reason: 'PodInitializing' }, false)] }), 'Pending');
  });
  it('is Succeeded or Failed when nothing will run again', () => {
    assert.equal(podPhase({ policy: 'Never', initDone: true, initFailed: false, containers: [c(exited(0)), c(exited(0))] }), 'Succeeded');
    assert.equal(podPhase({ policy: 'Never', initDone: true, initFailed: false, containers: [c(exited(0)), c(exited(1))] }), 'Failed');
    assert.equal(podPhase({ policy: 'OnFailure', initDone: true, initFailed: false, containers: [c(exited(0))] }), 'Succeeded');
    assert.equal(podPhase({ policy: 'Never', initDone: false, initFailed: true, containers: [] }), 'Failed');
  });
});

describe('pod status', () => {
  const view = (ready: boolean): ContainerView => ({ name: 'c', image: 'docker.io/library/nginx:latest', imageID: 'id', containerID: 'svcnet://x-c-0', restartCount: 0, state: running, ready, started: true, everRan: true });
  it('reports conditions, addresses and keeps transition times while unchanged', () => {
    const base = { policy: 'Always' as const, sandboxReady: true, podIP: '10.244.0.2', hostIP: '172.31.0.2', startTime: '2024-01-01T00:00:00Z', initContainers: [], initDone: true, initFailed: false };
    const s1 = buildPodStatus({ ...base, containers: [view(false)] }, 'T1');
    assert.equal(s1.phase, 'Running');
    assert.deepEqual(s1.podIPs, [{ ip: '10.244.0.2' }]);
    const ready1 = s1.conditions!.find((x) => x.type === 'Ready')!;
    assert.equal(ready1.status, 'False');
    assert.equal(ready1.reason, 'ContainersNotReady');
    assert.equal(ready1.message, 'containers with unready status: [c]');
    const s2 = buildPodStatus({ ...base, containers: [view(true)], previous: s1 }, 'T2');
    assert.equal(s2.conditions!.find((x) => x.type === 'Ready')!.lastTransitionTime, 'T2');
    assert.equal(s2.conditions!.find((x) => x.type === 'Initialized')!.lastTransitionTime, 'T1');
    assert.deepEqual(s2.containerStatuses![0].state, { running: { startedAt: '2024-01-01T00:00:00Z' } });
  });
  it('builds the same status again from what the API server stored (merge patch drops null fields)', () => {
    const base = { policy: 'Always' as const, sandboxReady: true, podIP: '10.244.0.2', hostIP: '172.31.0.2', startTime: '2024-01-01T00:00:00Z', initContainers: [], initDone: true, initFailed: false };
    const sent = buildPodStatus({ ...base, containers: [view(true)], previous: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: 'T0' }] } }, 'T1');
    const stored = JSON.parse(JSON.stringify(sent, (_k, v: unknown) => (v === null ? undefined : v)));
    assert.equal(JSON.stringify(buildPodStatus({ ...base, containers: [view(true)], previous: stored }, 'T2')), JSON.stringify(sent));
    assert.equal(sent.conditions!.find((c) => c.type === 'PodScheduled')!.lastTransitionTime, 'T0', "the scheduler's transition time stays");
  });
});

describe('CRI log records', () => {
  it('round-trips, tails by lines and keeps partial lines together', () => {
    const text = [formatRecord('stdout', 'a', false), formatRecord('stderr', 'b', false), formatRecord('stdout', 'c1', true), formatRecord('stdout', 'c2', false)].join('');
    assert.equal(parseRecord(text.split('\n')[1])!.stream, 'stderr');
    assert.equal(selectRecords(text, {}).map((r) => renderRecord(r, false)).join(''), 'a\nb\nc1c2\n');
    assert.equal(selectRecords(text, { tailLines: 1 }).map((r) => renderRecord(r, false)).join(''), 'c1c2\n');
    assert.equal(selectRecords(text, { tailLines: 0 }).length, 0);
    assert.match(renderRecord(parseRecord(text.split('\n')[0])!, true), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z a\n$/);
  });
});
