import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentPrinter, replicaSetPrinter } from './workloads.js';
import { kube, row } from './testing.js';

const template = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1.27' },
      { name: 'log', image: 'busybox:1.36' },
    ],
  },
};

test('deployment columns: counts are strings by type but cells are numbers', () => {
  assert.deepEqual(
    deploymentPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Up-to-date', 'string', 0],
      ['Available', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ],
  );
});

test('deployment rows', () => {
  const cases: [string, Record<string, unknown>, unknown[]][] = [
    [
      'rolling out',
      {
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
        status: { replicas: 3, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 },
      },
      ['web', '2/3', 1, 2, '2m', 'web,log', 'nginx:1.27,busybox:1.36', 'app=web'],
    ],
    [
      'set-based selector, no status yet, replicas defaulted',
      { spec: { selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template } },
      ['web', '0/1', 0, 0, '2m', 'web,log', 'nginx:1.27,busybox:1.36', 'app=web,tier in (a,b)'],
    ],
    ['scaled to zero, invalid selector', { spec: { replicas: 0, selector: { matchExpressions: [{ key: 'tier', operator: 'In' }] }, template } }, ['web', '0/0', 0, 0, '2m', 'web,log', 'nginx:1.27,busybox:1.36', '<invalid>']],
    ['empty selector prints empty', { spec: { replicas: 1, selector: {}, template } }, ['web', '0/1', 0, 0, '2m', 'web,log', 'nginx:1.27,busybox:1.36', '']],
  ];
  for (const [what, body, want] of cases) {
    assert.deepEqual(Object.values(row(deploymentPrinter, kube('Deployment', 'apps/v1', 'web', body))), want, what);
  }
});

test('replicaset rows: integer counts and a formatted selector', () => {
  assert.deepEqual(
    replicaSetPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Desired', 'integer', 0],
      ['Current', 'integer', 0],
      ['Ready', 'integer', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ],
  );
  const rs = kube('ReplicaSet', 'apps/v1', 'web-7d4b9c', {
    spec: { replicas: 5, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c' } }, template },
    status: { replicas: 5, readyReplicas: 2 },
  });
  assert.deepEqual(Object.values(row(replicaSetPrinter, rs)), ['web-7d4b9c', 5, 5, 2, '2m', 'web,log', 'nginx:1.27,busybox:1.36', 'app=web,pod-template-hash=7d4b9c']);
  const bare = kube('ReplicaSet', 'apps/v1', 'bare', { spec: { selector: { matchExpressions: [{ key: 'x', operator: 'Bogus' }] } } });
  assert.deepEqual(Object.values(row(replicaSetPrinter, bare)), ['bare', 1, 0, 0, '2m', '', '', '<error>']);
});
