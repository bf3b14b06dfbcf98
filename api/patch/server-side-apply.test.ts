import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejection } from '../../testing/api-error.js';
import { applyServerSideApply } from './index.js';

type Obj = Record<string, any>;

const t0 = new Date('2025-01-01T00:00:00.123Z');
const t1 = new Date('2025-01-02T00:00:00Z');

const manifest = (labels: Record<string, string>, ports: Obj[] = [{ port: 80, targetPort: 8080 }]): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels },
  spec: { selector: { app: 'web' }, ports },
});

const apply = (live: object | undefined, applied: object, fieldManager = 'kubectl', force = false, now = t0) =>
  applyServerSideApply(live, applied, { fieldManager, force, kind: 'Service', now }) as Obj;

/** What the store would hold: the server adds identity fields the manifest lacks. */
function stored(obj: Obj): Obj {
  return { ...obj, metadata: { ...obj.metadata, uid: 'u1', resourceVersion: '7' } };
}

test('apply on a missing object creates it and records the manager', () => {
  const out = apply(undefined, manifest({ app: 'web', tier: 'fe' }));
  assert.deepEqual(out.spec, manifest({}).spec);
  assert.deepEqual(out.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2025-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
        'f:spec': {
          'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} } },
          'f:selector': {},
        },
      },
    },
  ]);
});

test('re-applying without a label removes it; another manager’s label and unmanaged labels survive', () => {
  let live = stored(apply(undefined, manifest({ app: 'web', tier: 'fe' })));
  live.metadata.labels.manual = 'yes'; // e.g. kubectl label, not tracked
  live = stored(apply(live, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { team: 'x' } } }, 'other', false, t1));
  assert.deepEqual(live.metadata.labels, { app: 'web', tier: 'fe', manual: 'yes', team: 'x' });

  const out = apply(live, manifest({ app: 'web' }), 'kubectl', false, t1);
  assert.deepEqual(out.metadata.labels, { app: 'web', manual: 'yes', team: 'x' });
  assert.equal(out.metadata.uid, 'u1');
  const managers = out.metadata.managedFields.map((m: Obj) => m.manager);
  assert.deepEqual(managers, ['kubectl', 'other']);
  assert.deepEqual(out.metadata.managedFields[0].fieldsV1['f:metadata'], { 'f:labels': { 'f:app': {} } });
});

test('a field also applied by another manager stays when one of them drops it', () => {
  let live = stored(apply(undefined, manifest({ app: 'web', tier: 'fe' })));
  live = stored(apply(live, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'fe' } } }, 'other'));
  const out = apply(live, manifest({ app: 'web' }));
  assert.equal(out.metadata.labels.tier, 'fe');
});

test('dropping every label removes the emptied map; dropped list items are removed', () => {
  const live = stored(apply(undefined, manifest({ app: 'web' }, [{ port: 80 }, { port: 443, protocol: 'TCP' }])));
  const out = apply(live, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  assert.equal('labels' in out.metadata, false);
  assert.deepEqual(out.spec.ports, [{ port: 80 }]);
});

test('changing a field another applier owns conflicts unless forced', () => {
  let live = stored(apply(undefined, manifest({ app: 'web' })));
  live = stored(apply(live, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } }, 'other'));
  const changed = manifest({ app: 'web' }, [{ port: 80, targetPort: 9090 }]);
  const err = rejection(() => apply(live, changed));
  assert.equal(err.httpCode, 409);
  assert.equal(err.reason, 'Conflict');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "other": .spec.ports[port=80,protocol="TCP"].targetPort');
  assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "other"', field: '.spec.ports[port=80,protocol="TCP"].targetPort' }]);

  const forced = apply(live, changed, 'kubectl', true, t1);
  assert.equal(forced.spec.ports[0].targetPort, 9090);
  const other = forced.metadata.managedFields.find((m: Obj) => m.manager === 'other');
  assert.deepEqual(other.fieldsV1, { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } } });
});

test('conflicts with Update managers name their API version and time; several are grouped', () => {
  const live = stored(apply(undefined, manifest({ app: 'web' })));
  live.spec.type = 'ClusterIP';
  live.spec.sessionAffinity = 'None';
  live.metadata.managedFields.push({
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: 'v1',
    time: '2024-12-31T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:sessionAffinity': {}, 'f:type': {} } },
  });
  const config = manifest({ app: 'web' });
  config.spec.type = 'NodePort';
  assert.equal(rejection(() => apply(live, config)).message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1 at 2024-12-31T00:00:00Z: .spec.type');
  config.spec.sessionAffinity = 'ClientIP';
  assert.equal(
    rejection(() => apply(live, config)).message,
    'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using v1 at 2024-12-31T00:00:00Z:\n- .spec.sessionAffinity\n- .spec.type',
  );
  config.spec.type = 'ClusterIP';
  config.spec.sessionAffinity = 'None';
  assert.equal(apply(live, config).spec.type, 'ClusterIP', 'the same value is shared ownership, not a conflict');
});

test('re-applying the same configuration changes nothing, not even the time', () => {
  const live = stored(apply(undefined, manifest({ app: 'web' })));
  const again = apply(live, manifest({ app: 'web' }), 'kubectl', false, t1);
  assert.deepEqual(again, live);
});

test('new keyed items join the live list where the configuration puts them', () => {
  const live = stored(apply(undefined, manifest({ app: 'web' }, [{ port: 80 }, { port: 443 }])));
  const out = apply(live, manifest({ app: 'web' }, [{ port: 80 }, { port: 8080 }, { port: 443 }]));
  assert.deepEqual(out.spec.ports.map((p: Obj) => p.port), [80, 8080, 443]);
});

test('request errors', () => {
  const err = rejection(() => applyServerSideApply(undefined, manifest({}), { fieldManager: '', force: false, kind: 'Service', now: t0 }));
  assert.equal(err.httpCode, 422);
  assert.equal(err.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const withManaged = manifest({});
  withManaged.metadata.managedFields = [{ manager: 'x' }];
  assert.equal(rejection(() => apply(undefined, withManaged)).message, 'metadata.managedFields must be nil');
});

test('inputs are not mutated', () => {
  const live = stored(apply(undefined, manifest({ app: 'web', tier: 'fe' })));
  const before = structuredClone(live);
  const config = manifest({ app: 'web' });
  const configBefore = structuredClone(config);
  apply(live, config, 'kubectl', false, t1);
  assert.deepEqual(live, before);
  assert.deepEqual(config, configBefore);
});
