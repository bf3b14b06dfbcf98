import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podPrinter } from './pod.js';
import { ago, kube, now, pick, row } from './testing.js';

const columns = ['Name', 'Ready', 'Status', 'Restarts', 'Age'];

function pod(name: string, spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}) {
  return kube('Pod', 'v1', name, { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec }, status }, meta);
}

const running = { running: { startedAt: ago(110) } };
const readyCondition = { type: 'Ready', status: 'True' };

test('pod columns, types and priorities match the upstream printer', () => {
  assert.deepEqual(
    podPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ],
  );
  assert.match(podPrinter.columns[5]!.description, /address the pod was given/);
});

test('a running nginx pod, wide columns included', () => {
  const p = pod(
    'nginx-7d4b9c-abcde',
    { nodeName: 'node-1' },
    {
      phase: 'Running',
      podIP: '10.244.1.5',
      podIPs: [{ ip: '10.244.1.5' }],
      conditions: [readyCondition],
      containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, state: running }],
    },
  );
  assert.deepEqual(Object.values(row(podPrinter, p)), ['nginx-7d4b9c-abcde', '1/1', 'Running', '0', '2m', '10.244.1.5', 'node-1', '<none>', '<none>']);
  assert.equal(podPrinter.conditions?.(p), undefined);
});

test('pod STATUS, READY and RESTARTS for the states users meet', () => {
  const cases: [string, ReturnType<typeof pod>, unknown[]][] = [
    [
      'CrashLoopBackOff with the last restart time',
      pod('crash', {}, {
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(45) } } }],
      }),
      ['crash', '0/1', 'CrashLoopBackOff', '5 (45s ago)', '2m'],
    ],
    [
      'Terminating while still running',
      pod('bye', {}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }] }, { deletionTimestamp: ago(5) }),
      ['bye', '1/1', 'Terminating', '0', '2m'],
    ],
    [
      'Terminating while still pending',
      pod('bye', {}, { phase: 'Pending' }, { deletionTimestamp: ago(5) }),
      ['bye', '0/1', 'Terminating', '0', '2m'],
    ],
    [
      'Unknown when the node is lost',
      pod('lost', {}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(5) }),
      ['lost', '0/1', 'Unknown', '0', '2m'],
    ],
    [
      'a finished pod being deleted keeps its status',
      pod('done', {}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: ago(5) }),
      ['done', '0/1', 'Completed', '0', '2m'],
    ],
    [
      'Init:0/1 while the init container runs',
      pod('init', { initContainers: [{ name: 'setup', image: 'busybox' }] }, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'setup', ready: false, restartCount: 0, state: running }],
        containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      }),
      ['init', '0/1', 'Init:0/1', '0', '2m'],
    ],
    [
      'Init:1/2 after the first init container finished',
      pod('init', { initContainers: [{ name: 'a' }, { name: 'b' }] }, {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'a', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'b', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
        ],
      }),
      ['init', '0/1', 'Init:1/2', '0', '2m'],
    ],
    [
      'Init:CrashLoopBackOff',
      pod('init', { initContainers: [{ name: 'setup' }] }, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'setup', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } }],
      }),
      ['init', '0/1', 'Init:CrashLoopBackOff', '3 (30s ago)', '2m'],
    ],
    [
      'Init:Error',
      pod('init', { initContainers: [{ name: 'setup' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'setup', state: { terminated: { exitCode: 1, reason: 'Error' } } }] }),
      ['init', '0/1', 'Init:Error', '0', '2m'],
    ],
    [
      'Init:Signal:9 without a reason',
      pod('init', { initContainers: [{ name: 'setup' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'setup', state: { terminated: { exitCode: 137, signal: 9 } } }] }),
      ['init', '0/1', 'Init:Signal:9', '0', '2m'],
    ],
    [
      'Init:ExitCode:2 without a reason or signal',
      pod('init', { initContainers: [{ name: 'setup' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'setup', state: { terminated: { exitCode: 2 } } }] }),
      ['init', '0/1', 'Init:ExitCode:2', '0', '2m'],
    ],
    [
      'ContainerCreating',
      pod('new', { nodeName: 'node-1' }, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }),
      ['new', '0/1', 'ContainerCreating', '0', '2m'],
    ],
    [
      'Pending before scheduling (no statuses yet)',
      pod('new', {}, { phase: 'Pending' }),
      ['new', '0/1', 'Pending', '0', '2m'],
    ],
    [
      'SchedulingGated',
      pod('gated', {}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      ['gated', '0/1', 'SchedulingGated', '0', '2m'],
    ],
    [
      'OOMKilled',
      pod('oom', {}, { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 1, state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }),
      ['oom', '0/1', 'OOMKilled', '1', '2m'],
    ],
    [
      'ExitCode:137 from a runtime that gave no reason',
      pod('x', {}, { phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137 } } }] }),
      ['x', '0/1', 'ExitCode:137', '0', '2m'],
    ],
    [
      'the first container decides STATUS (statuses are read last to first)',
      pod('two', { containers: [{ name: 'a' }, { name: 'b' }] }, {
        phase: 'Running',
        containerStatuses: [
          { name: 'a', restartCount: 3, state: { waiting: { reason: 'ImagePullBackOff' } } },
          { name: 'b', restartCount: 3, state: { terminated: { reason: 'Error', exitCode: 1 } } },
        ],
      }),
      ['two', '0/2', 'ImagePullBackOff', '6', '2m'],
    ],
    [
      'Completed container next to a running one, pod not Ready: NotReady',
      pod('mixed', { containers: [{ name: 'a' }, { name: 'b' }] }, {
        phase: 'Running',
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
          { name: 'b', ready: true, restartCount: 3, state: running },
        ],
      }),
      ['mixed', '1/2', 'NotReady', '6', '2m'],
    ],
    [
      'Completed container next to a running one, pod Ready: Running',
      pod('mixed', { containers: [{ name: 'a' }, { name: 'b' }] }, {
        phase: 'Running',
        conditions: [readyCondition],
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 3, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
          { name: 'b', ready: true, restartCount: 3, state: running },
        ],
      }),
      ['mixed', '1/2', 'Running', '6', '2m'],
    ],
    [
      'ready without running does not count as ready',
      pod('r', { containers: [{ name: 'a' }, { name: 'b' }] }, {
        phase: 'Running',
        containerStatuses: [{ name: 'a', ready: true, restartCount: 3, state: running }, { name: 'b', ready: true, restartCount: 3 }],
      }),
      ['r', '1/2', 'Running', '6', '2m'],
    ],
    [
      'status.reason wins over the phase (Evicted)',
      pod('ev', {}, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
      ['ev', '0/1', 'Evicted', '0', '2m'],
    ],
    [
      'restarts sum across containers and show the latest restart',
      pod('r', { containers: [{ name: 'a' }, { name: 'b' }] }, {
        phase: 'Running',
        conditions: [readyCondition],
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 6, state: running, lastState: { terminated: { finishedAt: ago(5 * 86400) } } },
          { name: 'b', ready: true, restartCount: 3, state: running, lastState: { terminated: { finishedAt: ago(20 * 86400) } } },
        ],
      }),
      ['r', '2/2', 'Running', '9 (5d ago)', '2m'],
    ],
  ];
  for (const [what, p, want] of cases) assert.deepEqual(pick(podPrinter, p, columns), want, what);
});

test('init-container restarts stop counting once the pod is initialized', () => {
  // Upstream case: a completed init container restarted twice, the app container four times.
  const p = pod('test11', { initContainers: [{ name: 'init' }] }, {
    phase: 'Running',
    initContainerStatuses: [{ name: 'init', restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: { terminated: { finishedAt: ago(120) } } }],
    containerStatuses: [{ name: 'app', restartCount: 4, state: running, lastState: { terminated: { finishedAt: ago(20) } } }],
  });
  assert.deepEqual(pick(podPrinter, p, columns), ['test11', '0/1', 'Running', '4 (20s ago)', '2m']);
  // While initializing they do count: 2 + 3 restarts, newest 10s ago.
  const initializing = pod('test10', { initContainers: [{ name: 'a' }, { name: 'b' }] }, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'a', restartCount: 2, state: { terminated: { exitCode: 0 } }, lastState: { terminated: { finishedAt: ago(120) } } },
      { name: 'b', restartCount: 3, state: running, lastState: { terminated: { finishedAt: ago(10) } } },
    ],
    containerStatuses: [{ name: 'app', state: { waiting: {} } }],
  });
  assert.deepEqual(pick(podPrinter, initializing, columns), ['test10', '0/1', 'Init:1/2', '5 (10s ago)', '2m']);
});

test('sidecars (restartPolicy Always init containers) count in READY and RESTARTS', () => {
  const sidecars = { initContainers: [{ name: 'sidecar-1', restartPolicy: 'Always' }, { name: 'sidecar-2', restartPolicy: 'Always' }] };
  const starting = pod('s', sidecars, {
    phase: 'Pending',
    conditions: [{ type: 'Initialized', status: 'False' }],
    initContainerStatuses: [
      { name: 'sidecar-1', ready: false, restartCount: 3, started: true, state: running, lastState: { terminated: { finishedAt: ago(10) } } },
      { name: 'sidecar-2', ready: false, started: false, state: running },
    ],
    containerStatuses: [{ name: 'app', state: { waiting: {} } }],
  });
  assert.deepEqual(pick(podPrinter, starting, columns), ['s', '0/3', 'Init:1/2', '3 (10s ago)', '2m']);

  const up = pod('s', sidecars, {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [
      { name: 'sidecar-1', ready: false, restartCount: 3, started: true, state: running, lastState: { terminated: { finishedAt: ago(10) } } },
      { name: 'sidecar-2', ready: false, started: true, state: running },
    ],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 4, state: running, lastState: { terminated: { finishedAt: ago(20) } } }],
  });
  assert.deepEqual(pick(podPrinter, up, columns), ['s', '1/3', 'Running', '7 (10s ago)', '2m']);

  const readySidecar = pod('s', { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }, readyCondition],
    initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 0, state: running }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
  });
  assert.deepEqual(pick(podPrinter, readySidecar, columns), ['s', '2/2', 'Running', '0', '2m']);

  // Statuses naming containers the spec does not have are never sidecars.
  const stray = pod('test4', { initContainers: [{ name: 'init1' }, { name: 'sidecar1', restartPolicy: 'Always' }], containers: [{ name: 'container1' }] }, {
    phase: 'Running',
    initContainerStatuses: [{ name: 'initinvalid' }, { name: 'init1' }, { name: 'sidecar1' }],
    containerStatuses: [{ name: 'containerinvalid' }, { name: 'container1' }],
  });
  assert.deepEqual(pick(podPrinter, stray, columns), ['test4', '0/2', 'Init:0/2', '0', '2m']);
});

test('finished pods carry the Completed row condition', () => {
  const succeeded = pod('job-abc', {}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.deepEqual(pick(podPrinter, succeeded, columns), ['job-abc', '0/1', 'Completed', '0', '2m']);
  assert.deepEqual(podPrinter.conditions?.(succeeded), [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);

  const failed = pod('job-def', {}, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 1, reason: 'Error' } } }] });
  assert.deepEqual(pick(podPrinter, failed, columns), ['job-def', '0/1', 'Error', '0', '2m']);
  assert.deepEqual(podPrinter.conditions?.(failed), [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);

  // Each row gets its own copy.
  const first = podPrinter.conditions?.(failed) ?? [];
  first[0]!.reason = 'changed';
  assert.equal(podPrinter.conditions?.(failed)?.[0]?.reason, 'Failed');
});

test('wide columns: first pod IP, nominated node, readiness gates', () => {
  const p = pod(
    'gated',
    { nodeName: 'node-1', readinessGates: [{ conditionType: 'c1' }, { conditionType: 'c2' }, { conditionType: 'c3' }] },
    {
      phase: 'Running',
      podIPs: [{ ip: '10.244.0.9' }, { ip: 'fd00::9' }],
      nominatedNodeName: 'node-2',
      conditions: [{ type: 'c1', status: 'False' }, { type: 'c2', status: 'True' }],
    },
  );
  assert.deepEqual(pick(podPrinter, p, ['IP', 'Node', 'Nominated Node', 'Readiness Gates']), ['10.244.0.9', 'node-1', 'node-2', '1/3']);
  // A writer that set only the legacy podIP field.
  const legacy = pod('old', {}, { phase: 'Running', podIP: '10.244.0.7' });
  assert.deepEqual(pick(podPrinter, legacy, ['IP', 'Node']), ['10.244.0.7', '<none>']);
});

test('AGE is <unknown> without a creation timestamp and tracks the clock', () => {
  const p = pod('p', {}, { phase: 'Pending' }, { creationTimestamp: undefined });
  assert.equal(row(podPrinter, p).Age, '<unknown>');
  const older = pod('p', {}, { phase: 'Pending' }, { creationTimestamp: new Date(now.getTime() - (3 * 3600 + 300) * 1000).toISOString() });
  assert.equal(row(podPrinter, older).Age, '3h5m');
});
