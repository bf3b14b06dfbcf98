import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toServiceInfo } from '../endpointslice/model.js';
import type { EndpointSlice } from '../endpointslice/slice.js';
import { serviceObject } from '../endpointslice/testing.js';
import type { Endpoints } from '../endpoints/reconcile.js';
import { reconcileMirroredSlices } from './reconcile.js';

const external = toServiceInfo(serviceObject({ name: 'db', selector: null, ports: [{ name: 'pg', port: 5432 }] }));
const selected = toServiceInfo(serviceObject({ name: 'db' }));

function endpoints(over: Partial<Endpoints['metadata']> = {}): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'db', namespace: 'default', uid: 'ep-uid', labels: { team: 'data' }, annotations: { note: 'x', 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, ...over },
    subsets: [
      { addresses: [{ ip: '192.0.2.1' }, { ip: '192.0.2.2', hostname: 'db-2' }], notReadyAddresses: [{ ip: '192.0.2.3' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
      { addresses: [{ ip: '2001:db8::1' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
    ],
  };
}

test('user Endpoints of a selector-less Service become slices per address type', () => {
  const plan = reconcileMirroredSlices({ endpoints: endpoints(), service: external, existing: [] });
  assert.equal(plan.create.length, 2);
  const v4 = plan.create.find((s) => s.addressType === 'IPv4')!;
  assert.deepEqual(v4.metadata.labels, { team: 'data', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
  assert.deepEqual(v4.metadata.annotations, { note: 'x' });
  assert.equal(v4.metadata.generateName, 'db-');
  assert.deepEqual(v4.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'ep-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(v4.ports, [{ name: 'pg', port: 5432, protocol: 'TCP' }]);
  assert.deepEqual(v4.endpoints, [
    { addresses: ['192.0.2.1'], conditions: { ready: true } },
    { addresses: ['192.0.2.2'], conditions: { ready: true }, hostname: 'db-2' },
    { addresses: ['192.0.2.3'], conditions: { ready: false } },
  ]);
  assert.deepEqual(plan.create.find((s) => s.addressType === 'IPv6')!.endpoints.map((e) => e.addresses[0]), ['2001:db8::1']);
});

test('no mirroring for Services with a selector, skip-mirror Endpoints, or without a Service: existing slices go', () => {
  const first = reconcileMirroredSlices({ endpoints: endpoints(), service: external, existing: [] });
  const existing: EndpointSlice[] = first.create.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `db-${i}` } }));
  for (const input of [
    { endpoints: endpoints(), service: selected },
    { endpoints: endpoints({ labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }), service: external },
    { endpoints: endpoints(), service: undefined },
    { endpoints: undefined, service: external },
    { endpoints: endpoints({ annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } }), service: external },
  ]) {
    const plan = reconcileMirroredSlices({ ...input, existing });
    assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 0, 2]);
  }
});

test('mirrored slices are stable and follow edits in place', () => {
  const first = reconcileMirroredSlices({ endpoints: endpoints(), service: external, existing: [] });
  const existing: EndpointSlice[] = first.create.map((s, i) => ({ ...s, metadata: { ...s.metadata, name: `db-${i}` } }));
  const same = reconcileMirroredSlices({ endpoints: endpoints(), service: external, existing });
  assert.deepEqual([same.create.length, same.update.length, same.delete.length], [0, 0, 0]);
  const edited = endpoints();
  edited.subsets![0].addresses!.push({ ip: '192.0.2.9' });
  const plan = reconcileMirroredSlices({ endpoints: edited, service: external, existing });
  assert.deepEqual([plan.create.length, plan.update.length, plan.delete.length], [0, 1, 0]);
  assert.equal(plan.update[0].endpoints.length, 4);
  const relabeled = reconcileMirroredSlices({ endpoints: endpoints({ labels: { team: 'other' } }), service: external, existing });
  assert.equal(relabeled.update.length, 2);
});
