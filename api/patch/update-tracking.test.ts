import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { applyServerSideApply, recordUpdate } from './index.js';

type Obj = Record<string, any>;

const t0 = new Date('2025-01-01T00:00:00Z');
const t1 = new Date('2025-01-02T00:00:00Z');

const svc = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] },
});

test('a create records every field for the creating manager', () => {
  const out = recordUpdate(undefined, svc(), { fieldManager: 'kubectl-create', kind: 'Service', now: t0 }) as Obj;
  assert.deepEqual(out.metadata.managedFields, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2025-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } },
          'f:selector': {},
          'f:type': {},
        },
      },
    },
  ]);
});

test('after kubectl create, a server-side apply changing a value conflicts with the creator', () => {
  const created = recordUpdate(undefined, svc(), { fieldManager: 'kubectl-create', kind: 'Service', now: t0 }) as Obj;
  const config = svc();
  config.spec.type = 'NodePort';
  try {
    applyServerSideApply(created, config, { fieldManager: 'kubectl', force: false, kind: 'Service', now: t1 });
    assert.fail('expected a conflict');
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1 at 2025-01-01T00:00:00Z: .spec.type');
  }
  const same = applyServerSideApply(created, svc(), { fieldManager: 'kubectl', force: false, kind: 'Service', now: t1 }) as Obj;
  assert.deepEqual(same.metadata.managedFields.map((m: Obj) => `${m.manager}/${m.operation}`), ['kubectl/Apply', 'kubectl-create/Update']);
});

test('an update takes changed fields from other managers and drops removed ones', () => {
  const applied = applyServerSideApply(undefined, svc(), { fieldManager: 'kubectl', force: false, kind: 'Service', now: t0 }) as Obj;
  const labelled = structuredClone(applied);
  labelled.metadata.labels.app = 'web2';
  labelled.metadata.labels.tier = 'fe';
  delete labelled.spec.type;
  const out = recordUpdate(applied, labelled, { fieldManager: 'kubectl-label', kind: 'Service', now: t1 }) as Obj;
  const [apply, update] = out.metadata.managedFields;
  assert.equal(apply.manager, 'kubectl');
  assert.deepEqual(apply.fieldsV1['f:metadata'], undefined, 'kubectl no longer owns the relabelled app');
  assert.equal(apply.fieldsV1['f:spec']['f:type'], undefined);
  assert.deepEqual(update.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } });
});

test('an identical write keeps the entry time; managedFields: [] clears the entries', () => {
  const created = recordUpdate(undefined, svc(), { fieldManager: 'm', kind: 'Service', now: t0 }) as Obj;
  const again = recordUpdate(created, created, { fieldManager: 'm', kind: 'Service', now: t1 }) as Obj;
  assert.deepEqual(again, created);
  const cleared = structuredClone(created);
  cleared.metadata.managedFields = [];
  assert.equal('managedFields' in (recordUpdate(created, cleared, { fieldManager: 'm', kind: 'Service', now: t1 }) as Obj).metadata, false);
});

test('Deployment: kubectl set image then apply with another image conflicts on the keyed container path', () => {
  const deploy = (image: string, env: Obj[]): Obj => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, env }] } },
    },
  });
  const opts = (force = false) => ({ fieldManager: 'kubectl', force, kind: 'Deployment', now: t1 });
  const applied = applyServerSideApply(undefined, deploy('nginx:1.26', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]), opts()) as Obj;
  const imageSet = structuredClone(applied);
  imageSet.spec.template.spec.containers[0].image = 'nginx:1.28';
  const live = recordUpdate(applied, imageSet, { fieldManager: 'kubectl-set', kind: 'Deployment', now: t1 }) as Obj;

  const config = deploy('nginx:1.27', [{ name: 'A', value: '1' }]);
  try {
    applyServerSideApply(live, config, opts());
    assert.fail('expected a conflict');
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1 at 2025-01-02T00:00:00Z: .spec.template.spec.containers[name="web"].image');
  }
  const forced = applyServerSideApply(live, config, opts(true)) as Obj;
  const container = forced.spec.template.spec.containers[0];
  assert.equal(container.image, 'nginx:1.27');
  assert.deepEqual(container.env, [{ name: 'A', value: '1' }], 'env B was applied before and is gone now');
  assert.deepEqual(forced.spec.selector, { matchLabels: { app: 'web' } });
  assert.deepEqual(
    forced.metadata.managedFields.map((m: Obj) => m.manager),
    ['kubectl'],
    'kubectl-set owned only the image and lost it',
  );
});
