import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage, needsScheduling, reasons, schedulePod, tolerates, type NodeLike, type SchedulablePod } from './filters.js';

function node(name: string, o: { unschedulable?: boolean; labels?: Record<string, string>; taints?: { key: string; value?: string; effect: string }[]; ready?: boolean; pods?: string } = {}): NodeLike {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: o.labels ?? {} },
    spec: { unschedulable: o.unschedulable, taints: o.taints },
    status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }], allocatable: { pods: o.pods ?? '110' } },
  };
}

function pod(spec: SchedulablePod['spec'] = {}): SchedulablePod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { schedulerName: 'default-scheduler', ...spec }, status: { phase: 'Pending' } };
}

test('only pending, unbound pods of default-scheduler are ours', () => {
  assert.equal(needsScheduling(pod()), true);
  assert.equal(needsScheduling(pod({ nodeName: 'n1' })), false);
  assert.equal(needsScheduling(pod({ schedulerName: 'other' })), false);
});

test('a cordoned only node gives the upstream message', () => {
  const r = schedulePod(pod(), [node('n1', { unschedulable: true })], new Map());
  assert.deepEqual(r, { message: '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' });
});

test('reasons are counted, sorted and joined', () => {
  const nodes = [node('a', { unschedulable: true }), node('b', { labels: { disk: 'hdd' } }), node('c', { labels: { disk: 'ssd' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })];
  const r = schedulePod(pod({ nodeSelector: { disk: 'ssd' } }), nodes, new Map());
  assert.deepEqual(r, {
    message: "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
  });
});

test('no nodes at all', () => {
  assert.deepEqual(schedulePod(pod(), [], new Map()), { message: 'no nodes available to schedule pods' });
});

test('a full node says Too many pods, and preemption finds no victims', () => {
  assert.equal(fitErrorMessage(1, new Map([[reasons.tooManyPods, 1]])), '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
  assert.deepEqual(schedulePod(pod(), [node('n', { pods: '2' })], new Map([['n', 2]])), { message: '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' });
});

test('tolerations: Exists matches any value, effects must agree, a not-ready node is tainted', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
  assert.equal(tolerates([{ key: 'k', operator: 'Exists' }], taint), true);
  assert.equal(tolerates([{ key: 'k', value: 'v', effect: 'NoExecute' }], taint), false);
  assert.equal(tolerates([{ operator: 'Exists' }], taint), true);
  const r = schedulePod(pod(), [node('n', { ready: false })], new Map());
  assert.match('message' in r ? r.message : '', /untolerated taint \{node.kubernetes.io\/not-ready: \}/);
  assert.deepEqual(schedulePod(pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), [node('n', { unschedulable: true })], new Map()), { node: 'n' });
});

test('pods spread to the node with the fewest pods; required node affinity filters', () => {
  const nodes = [node('a'), node('b', { labels: { zone: 'z2' } })];
  assert.deepEqual(schedulePod(pod(), nodes, new Map([['a', 3], ['b', 1]])), { node: 'b' });
  assert.deepEqual(schedulePod(pod(), nodes, new Map([['a', 1], ['b', 1]])), { node: 'a' });
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z2'] }] }] } } };
  assert.deepEqual(schedulePod(pod({ affinity }), nodes, new Map([['a', 9]])), { node: 'a' });
});
