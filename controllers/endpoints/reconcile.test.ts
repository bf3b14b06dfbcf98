import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPodInfo, toServiceInfo } from '../endpointslice/model.js';
import { podObject, serviceObject, type PodSpecLite, type ServiceSpecLite } from '../endpointslice/testing.js';
import { computeSubsets, maxCapacity, reconcileEndpoints, truncateSubsets, type Endpoints, type EndpointSubset } from './reconcile.js';

const svc = (s: Partial<ServiceSpecLite> = {}) => toServiceInfo(serviceObject({ name: 'web', ...s }));
const pods = (list: PodSpecLite[]) => list.map((p) => toPodInfo(podObject(p)));
const ips = (list: { ip: string }[] | undefined) => (list ?? []).map((a) => a.ip);

test('ready pods in addresses, others in notReadyAddresses, sorted by IP text', () => {
  const subsets = computeSubsets(svc(), pods([
    { name: 'b', ip: '10.0.0.10' },
    { name: 'a', ip: '10.0.0.9' },
    { name: 'c', ip: '10.0.0.2', ready: false },
    { name: 'gone', ip: '10.0.0.3', terminating: true },
    { name: 'none' },
  ]));
  assert.equal(subsets.length, 1);
  assert.deepEqual(ips(subsets[0].addresses), ['10.0.0.10', '10.0.0.9']);
  assert.deepEqual(ips(subsets[0].notReadyAddresses), ['10.0.0.2']);
  assert.deepEqual(subsets[0].ports, [{ name: '', port: 80, protocol: 'TCP' }]);
  assert.deepEqual(subsets[0].addresses![0], { ip: '10.0.0.10', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } });
});

test('publishNotReadyAddresses makes every pod, terminating ones too, ready', () => {
  const subsets = computeSubsets(svc({ publishNotReadyAddresses: true }), pods([{ name: 'c', ip: '10.0.0.2', ready: false }, { name: 'd', ip: '10.0.0.3', terminating: true }]));
  assert.deepEqual(ips(subsets[0].addresses), ['10.0.0.2', '10.0.0.3']);
  assert.equal(subsets[0].notReadyAddresses, undefined);
});

test('pods resolving a named port differently go to different subsets; pods without it are left out', () => {
  const s = svc({ ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'metrics', port: 9100, targetPort: 9100 }] });
  const subsets = computeSubsets(s, pods([
    { name: 'a', ip: '10.0.0.1', ports: [{ name: 'web', containerPort: 8080 }] },
    { name: 'b', ip: '10.0.0.2', ports: [{ name: 'web', containerPort: 8081 }] },
    { name: 'c', ip: '10.0.0.3' },
  ]));
  assert.deepEqual(subsets.map((x) => [ips(x.addresses), x.ports!.map((p) => `${p.name}:${p.port}`)]), [
    [['10.0.0.1'], ['http:8080', 'metrics:9100']],
    [['10.0.0.2'], ['http:8081', 'metrics:9100']],
    [['10.0.0.3'], ['metrics:9100']],
  ]);
});

test('a headless Service without ports publishes bare addresses', () => {
  const subsets = computeSubsets(svc({ clusterIP: 'None', ports: [] }), pods([{ name: 'a', ip: '10.0.0.1' }]));
  assert.deepEqual(subsets, [{ addresses: [{ ip: '10.0.0.1', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }] }]);
  assert.deepEqual(computeSubsets(svc({ ports: [] }), pods([{ name: 'a', ip: '10.0.0.1' }])), []);
});

test('over 1000 addresses: not-ready ones are cut first, then ready ones proportionally', () => {
  const addr = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ ip: `${p}.${i}` }));
  const cutNotReady = truncateSubsets([{ addresses: addr(900, 'a'), notReadyAddresses: addr(300, 'b') }]);
  assert.equal(cutNotReady.truncated, true);
  assert.equal(cutNotReady.subsets[0].addresses!.length, 900);
  assert.equal(cutNotReady.subsets[0].notReadyAddresses!.length, 100);
  const subsets: EndpointSubset[] = [{ addresses: addr(1500, 'a'), notReadyAddresses: addr(5, 'x') }, { addresses: addr(500, 'b') }];
  const cutReady = truncateSubsets(subsets);
  assert.deepEqual(cutReady.subsets.map((s) => [s.addresses!.length, s.notReadyAddresses?.length]), [[750, undefined], [250, undefined]]);
  assert.equal(truncateSubsets([{ addresses: addr(maxCapacity, 'a') }]).truncated, false);
});

test('writes: create, nothing when equal (pod versions ignored), update with trigger time and annotations', () => {
  const s = svc({ labels: { team: 'a' } });
  const p = pods([{ name: 'a', ip: '10.0.0.1' }]);
  const created = reconcileEndpoints(s, p, undefined, '2026-01-01T00:00:00Z');
  assert.equal(created.action, 'create');
  assert.ok(created.action === 'create');
  const ep = created.endpoints;
  assert.deepEqual(ep.metadata, { name: 'web', namespace: 'default', labels: { team: 'a' }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' } });
  const stored: Endpoints = { ...ep, metadata: { ...ep.metadata, resourceVersion: '5' } };
  const podNewVersion = pods([{ name: 'a', ip: '10.0.0.1' }]).map((x) => ({ ...x, resourceVersion: '99' }));
  assert.deepEqual(reconcileEndpoints(s, podNewVersion, stored, undefined), { action: 'none' });
  const flipped = reconcileEndpoints(s, pods([{ name: 'a', ip: '10.0.0.1', ready: false }]), stored, undefined);
  assert.equal(flipped.action, 'update');
  assert.ok(flipped.action === 'update');
  assert.equal(flipped.endpoints.metadata.resourceVersion, '5');
  assert.deepEqual(flipped.endpoints.metadata.annotations, {});
  assert.deepEqual(ips(flipped.endpoints.subsets![0].notReadyAddresses), ['10.0.0.1']);
  const headless = reconcileEndpoints(svc({ clusterIP: 'None', labels: { team: 'a' } }), p, stored, undefined);
  assert.ok(headless.action === 'update');
  assert.deepEqual(headless.endpoints.metadata.labels, { team: 'a', 'service.kubernetes.io/headless': '' });
  const many = pods(Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}`, ip: `10.1.${Math.floor(i / 250)}.${i % 250}` })));
  const over = reconcileEndpoints(s, many, undefined, undefined);
  assert.ok(over.action === 'create');
  assert.equal(over.endpoints.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
  assert.equal(over.endpoints.subsets![0].addresses!.length, 1000);
});
