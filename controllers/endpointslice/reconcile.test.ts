import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toNodeInfo, toPodInfo, toServiceInfo, type NodeInfo } from './model.js';
import { reconcileEndpointSlices, type SliceReconcileInput, type SliceWrites } from './reconcile.js';
import type { EndpointSlice } from './slice.js';
import { nodeObject, podObject, serviceObject, type PodSpecLite, type ServiceSpecLite } from './testing.js';

const nodes: ReadonlyMap<string, NodeInfo> = new Map([
  ['node-1', toNodeInfo(nodeObject('node-1', 'zone-a'))],
  ['node-2', toNodeInfo(nodeObject('node-2'))],
]);

function run(svc: ServiceSpecLite, pods: PodSpecLite[], existing: EndpointSlice[] = [], extra: Partial<SliceReconcileInput> = {}): SliceWrites {
  return reconcileEndpointSlices({ service: toServiceInfo(serviceObject(svc)), pods: pods.map((p) => toPodInfo(podObject(p))), nodes, existing, ...extra });
}

const web = { name: 'web' };
const pods = (n: number, over: Partial<PodSpecLite> = {}): PodSpecLite[] => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, ip: `10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`, ...over }));

/** Applies writes the way the server would (names for creates), giving the next "existing". */
function applied(w: SliceWrites, before: EndpointSlice[] = []): EndpointSlice[] {
  const gone = new Set([...w.delete, ...w.update].map((s) => s.metadata.name));
  let n = before.length;
  return [...before.filter((s) => !gone.has(s.metadata.name)), ...w.update, ...w.create.map((s) => ({ ...s, metadata: { ...s.metadata, name: `web-${n++}` } }))];
}

const addrs = (s: EndpointSlice) => s.endpoints.map((e) => e.addresses[0]).sort();

test('five ready pods make one slice with everything kubectl and kube-proxy read', () => {
  const w = run({ ...web, labels: { team: 'a', 'kubernetes.io/service-name': 'x' } }, pods(5), [], { triggerTime: '2026-01-01T00:00:05Z' });
  assert.equal(w.create.length, 1);
  assert.equal(w.update.length + w.delete.length, 0);
  const s = w.create[0];
  assert.equal(s.metadata.generateName, 'web-');
  assert.deepEqual(s.metadata.labels, { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(s.metadata.annotations, { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:05Z' });
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc-web', controller: true, blockOwnerDeletion: true }]);
  assert.equal(s.addressType, 'IPv4');
  assert.deepEqual(s.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
  assert.equal(s.endpoints.length, 5);
  assert.deepEqual(s.endpoints[0], {
    addresses: ['10.244.0.1'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'p0', uid: 'uid-p0' },
    nodeName: 'node-1',
    zone: 'zone-a',
  });
});

test('which pods count and their conditions', () => {
  const w = run(web, [
    { name: 'no-ip' },
    { name: 'done', ip: '10.0.0.2', phase: 'Succeeded' },
    { name: 'failed', ip: '10.0.0.3', phase: 'Failed' },
    { name: 'other-app', ip: '10.0.0.4', labels: { app: 'db' } },
    { name: 'unready', ip: '10.0.0.5', ready: false },
    { name: 'leaving', ip: '10.0.0.6', terminating: true },
    { name: 'other-ns', ip: '10.0.0.7', namespace: 'x' },
  ].map((p) => ({ ...p })).filter((p) => p.name !== 'other-app' && p.name !== 'other-ns'));
  const eps = w.create[0].endpoints;
  assert.deepEqual(eps.map((e) => e.targetRef?.name), ['unready', 'leaving']);
  assert.deepEqual(eps[0].conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(eps[1].conditions, { ready: false, serving: true, terminating: true });
  const published = run({ ...web, publishNotReadyAddresses: true }, [{ name: 'unready', ip: '10.0.0.5', ready: false }]);
  assert.deepEqual(published.create[0].endpoints[0].conditions, { ready: true, serving: false, terminating: false });
});

test('named target ports resolve per pod and group pods by their resolved ports', () => {
  const svc = { ...web, ports: [{ name: 'http', port: 80, targetPort: 'web' }] };
  const w = run(svc, [
    { name: 'a', ip: '10.0.0.1', ports: [{ name: 'web', containerPort: 8080 }] },
    { name: 'b', ip: '10.0.0.2', ports: [{ name: 'web', containerPort: 8080 }] },
    { name: 'c', ip: '10.0.0.3', ports: [{ name: 'web', containerPort: 9090 }] },
    { name: 'd', ip: '10.0.0.4', ports: [{ name: 'web', containerPort: 9090, protocol: 'UDP' }] },
  ]);
  const byPort = new Map(w.create.map((s) => [s.ports.map((p) => p.port).join(','), addrs(s)]));
  assert.deepEqual(byPort.get('8080'), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(byPort.get('9090'), ['10.0.0.3']);
  // No container port of that name and protocol: upstream keeps the pod in a slice with no ports.
  assert.deepEqual(byPort.get(''), ['10.0.0.4']);
  assert.deepEqual(w.create.find((s) => s.ports.length)!.ports[0], { name: 'http', port: 8080, protocol: 'TCP' });
});

test('at most 100 endpoints per slice', () => {
  const w = run(web, pods(250));
  assert.deepEqual(w.create.map((s) => s.endpoints.length), [100, 100, 50]);
  assert.deepEqual(run(web, pods(30), [], { maxEndpointsPerSlice: 10 }).create.length, 3);
});

test('hostname only for pods whose subdomain is this Service; unknown nodes are reported', () => {
  const w = run(web, [
    { name: 'a', ip: '10.0.0.1', hostname: 'a', subdomain: 'web' },
    { name: 'b', ip: '10.0.0.2', hostname: 'b', subdomain: 'other' },
    { name: 'c', ip: '10.0.0.3', nodeName: 'node-9' },
    { name: 'd', ip: '10.0.0.4', nodeName: 'node-2' },
  ]);
  const eps = w.create[0].endpoints;
  assert.equal(eps[0].hostname, 'a');
  assert.equal(eps[1].hostname, undefined);
  assert.deepEqual(eps.map((e) => e.targetRef?.name), ['a', 'b', 'd']);
  assert.equal(eps[2].zone, undefined);
  assert.deepEqual(w.podsWithUnknownNode, ['default/c']);
  const published = run({ ...web, publishNotReadyAddresses: true }, [{ name: 'c', ip: '10.0.0.3', nodeName: 'node-9' }]);
  assert.deepEqual(published.create[0].endpoints.map((e) => [e.targetRef?.name, e.nodeName, e.zone]), [['c', 'node-9', undefined]]);
  assert.deepEqual(published.podsWithUnknownNode, []);
});

test('nothing changed: no writes', () => {
  const first = applied(run(web, pods(250)));
  const again = run(web, pods(250), first);
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
});

test('a readiness flip updates only the slice holding that pod, in place', () => {
  const first = applied(run(web, pods(250)));
  const flipped = pods(250).map((p) => (p.name === 'p120' ? { ...p, ready: false } : p));
  const w = run(web, flipped, first);
  assert.equal(w.create.length + w.delete.length, 0);
  assert.equal(w.update.length, 1);
  const holder = first.find((s) => s.endpoints.some((e) => e.targetRef?.name === 'p120'))!;
  assert.equal(w.update[0].metadata.name, holder.metadata.name);
  assert.equal(w.update[0].endpoints.find((e) => e.targetRef?.name === 'p120')!.conditions.ready, false);
});

test('a replaced pod takes the freed place in the same slice', () => {
  const first = applied(run(web, pods(150)));
  const next = [...pods(150).filter((p) => p.name !== 'p3'), { name: 'new', ip: '10.244.9.9' }];
  const w = run(web, next, first);
  assert.equal(w.create.length + w.delete.length, 0);
  assert.equal(w.update.length, 1);
  assert.ok(w.update[0].endpoints.some((e) => e.targetRef?.name === 'new'));
  assert.equal(w.update[0].endpoints.length, 100);
});

test('new pods go into the unchanged slice they fit best before a new slice is made', () => {
  const first = applied(run(web, pods(150)));
  const w = run(web, [...pods(150), { name: 'x', ip: '10.244.8.1' }], first);
  assert.equal(w.create.length, 0);
  assert.equal(w.update.length, 1);
  assert.equal(w.update[0].endpoints.length, 51);
});

test('no endpoints: one placeholder slice, kept as is, reused when pods come', () => {
  const w = run(web, []);
  assert.equal(w.create.length, 1);
  assert.deepEqual([w.create[0].endpoints, w.create[0].ports], [[], []]);
  const existing = applied(w);
  const again = run(web, [], existing);
  assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
  const filled = run(web, pods(2), existing);
  assert.deepEqual([filled.create.length, filled.update.length, filled.delete.length], [0, 1, 0]);
  assert.equal(filled.update[0].metadata.name, existing[0].metadata.name);
  assert.equal(filled.update[0].endpoints.length, 2);
  const emptied = run(web, [], applied(filled, existing));
  assert.deepEqual([emptied.create.length, emptied.update.length, emptied.delete.length], [0, 1, 0]);
  assert.deepEqual(emptied.update[0].endpoints, []);
});

test('slices of another Service with the same name are deleted; label changes update', () => {
  const first = applied(run(web, pods(3)));
  const foreign = { ...first[0], metadata: { ...first[0].metadata, name: 'old-1', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'other' }] } };
  const w = run(web, pods(3), [...first, foreign]);
  assert.deepEqual(w.delete.map((s) => s.metadata.name), ['old-1']);
  const relabeled = run({ ...web, labels: { tier: 'front' } }, pods(3), first);
  assert.equal(relabeled.update.length, 1);
  assert.equal(relabeled.update[0].metadata.labels?.tier, 'front');
  const headless = run({ ...web, clusterIP: 'None' }, pods(3), first);
  assert.equal(headless.update[0].metadata.labels?.['service.kubernetes.io/headless'], '');
});

test('a port change moves every endpoint to slices of the new port list', () => {
  const first = applied(run(web, pods(3)));
  const w = run({ ...web, ports: [{ port: 80, targetPort: 8080 }] }, pods(3), first);
  const after = applied(w, first);
  assert.equal(after.length, 1);
  assert.equal(after[0].ports[0].port, 8080);
  assert.equal(after[0].endpoints.length, 3);
});

test('slices whose lists came back null or missing are read as empty', () => {
  const first = applied(run(web, []));
  const bare = first.map((s) => ({ ...s, endpoints: null, ports: undefined }) as unknown as EndpointSlice);
  const same = run(web, [], bare);
  assert.deepEqual([same.create.length, same.update.length, same.delete.length], [0, 0, 0]);
  const filled = run(web, pods(3), bare);
  assert.deepEqual([filled.create.length, filled.update.length, filled.delete.length], [0, 1, 0]);
});

test('dual-stack Services get one slice per family; a family dropped loses its slices', () => {
  const dual = toServiceInfo({ ...serviceObject(web), spec: { ...(serviceObject(web).spec as object), ipFamilies: ['IPv4', 'IPv6'] } });
  const podInfo = (name: string, ips: string[]) => ({ ...toPodInfo(podObject({ name, ip: ips[0] })), ips });
  const both = [podInfo('a', ['10.0.0.1', 'fd00::1']), podInfo('b', ['10.0.0.2'])];
  const w = reconcileEndpointSlices({ service: dual, pods: both, nodes, existing: [] });
  const byType = Object.fromEntries(w.create.map((s) => [s.addressType, s.endpoints.map((e) => e.addresses[0])]));
  assert.deepEqual(byType, { IPv4: ['10.0.0.1', '10.0.0.2'], IPv6: ['fd00::1'] });
  const existing = applied(w);
  const v4only = reconcileEndpointSlices({ service: toServiceInfo(serviceObject(web)), pods: both, nodes, existing });
  assert.deepEqual(v4only.delete.map((s) => s.addressType), ['IPv6']);
  assert.deepEqual([v4only.create.length, v4only.update.length], [0, 0]);
});
