import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejection } from '../../testing/api-error.js';
import { applyStrategicMergePatch } from './index.js';

type Obj = Record<string, any>;

const service = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx', tier: 'fe' } },
  spec: {
    type: 'NodePort',
    selector: { app: 'nginx' },
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: 30443 },
    ],
  },
});

const deployment = (): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' }, annotations: { team: 'a' } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.26', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
          { name: 'side', image: 'busybox' },
        ],
      },
    },
  },
});

test('kubectl apply: $setElementOrder/ports with a $patch delete (reference §3.3)', () => {
  const patch = { spec: { '$setElementOrder/ports': [{ port: 443 }], ports: [{ port: 443, targetPort: 9443 }, { $patch: 'delete', port: 80 }] } };
  const out = applyStrategicMergePatch(service(), patch, 'Service') as Obj;
  assert.deepEqual(out.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 9443, nodePort: 30443 }]);
  assert.deepEqual(out.spec.selector, { app: 'nginx' });
});

test('kubectl apply: containers and env merged by name, ordered by $setElementOrder (reference §3.3)', () => {
  const patch = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'web' }],
          containers: [
            { '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }], env: [{ name: 'C', value: '3' }, { $patch: 'delete', name: 'B' }], image: 'nginx:1.27', name: 'web' },
            { $patch: 'delete', name: 'side' },
          ],
        },
      },
    },
  };
  const out = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Obj;
  assert.deepEqual(out.spec.template.spec.containers, [
    { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }] },
  ]);
});

test('the same list without a merge key for an unknown kind is replaced', () => {
  const patch = { spec: { template: { spec: { containers: [{ name: 'x' }] } } } };
  const out = applyStrategicMergePatch(deployment(), patch, 'Widget') as Obj;
  assert.deepEqual(out.spec.template.spec.containers, [{ name: 'x' }]);
});

test('kubectl set image', () => {
  const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'side' }], containers: [{ image: 'nginx:1.28', name: 'web' }] } } } };
  const out = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Obj;
  const [web, side] = out.spec.template.spec.containers;
  assert.equal(web.image, 'nginx:1.28');
  assert.deepEqual(web.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  assert.deepEqual(side, { name: 'side', image: 'busybox' });
});

test('kubectl rollout restart adds a template annotation and keeps the others', () => {
  const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } };
  const out = applyStrategicMergePatch(deployment(), patch, 'Deployment') as Obj;
  assert.deepEqual(out.spec.template.metadata.annotations, { team: 'a', 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' });
  assert.equal(out.spec.replicas, 2);
});

test('kubectl cordon', () => {
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' }, spec: { podCIDR: '10.244.0.0/24' } };
  const out = applyStrategicMergePatch(node, { spec: { unschedulable: true } }, 'Node') as Obj;
  assert.deepEqual(out.spec, { podCIDR: '10.244.0.0/24', unschedulable: true });
});

test('Ingress rules have no merge strategy: the list is replaced', () => {
  const rule = (host: string) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: host, port: { number: 80 } } } }] } });
  const ing = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { rules: [rule('a'), rule('b')] } };
  const out = applyStrategicMergePatch(ing, { spec: { rules: [rule('c')] } }, 'Ingress') as Obj;
  assert.deepEqual(out.spec.rules, [rule('c')]);
});

test('null deletes a key', () => {
  const out = applyStrategicMergePatch(service(), { metadata: { labels: { tier: null, missing: null } }, spec: { selector: null } }, 'Service') as Obj;
  assert.deepEqual(out.metadata.labels, { app: 'nginx' });
  assert.equal('selector' in out.spec, false);
});

test('kubectl patch --patch-file merges into the existing port by port number (reference §3.1)', () => {
  const patch = { spec: { ports: [{ name: 'http', port: 80, nodePort: 31326 }] } };
  const original = service();
  original.spec.ports = [original.spec.ports[0]];
  const out = applyStrategicMergePatch(original, patch, 'Service') as Obj;
  assert.deepEqual(out.spec.ports, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 31326 }]);
});

test('a new list item without $setElementOrder goes first, as upstream orders it', () => {
  const out = applyStrategicMergePatch(service(), { spec: { ports: [{ name: 'metrics', port: 9090 }] } }, 'Service') as Obj;
  assert.deepEqual(out.spec.ports.map((p: Obj) => p.port), [9090, 80, 443]);
});

test('delete + add under $setElementOrder keeps upstream order (server-only items before new ones)', () => {
  // Upstream case "add map and delete map from merging list": the order comes out as Go's in-place slices leave it.
  const original = service();
  original.spec.ports = [{ port: 81 }, { port: 82, name: 'b' }, { port: 84, name: 'c' }];
  const patch = { spec: { '$setElementOrder/ports': [{ port: 82 }, { port: 83 }], ports: [{ port: 83 }, { port: 81, $patch: 'delete' }] } };
  const out = applyStrategicMergePatch(original, patch, 'Service') as Obj;
  assert.deepEqual(out.spec.ports, [{ port: 82, name: 'b' }, { port: 84, name: 'c' }, { port: 83 }]);
});

test('finalizers merge as a scalar set; $deleteFromPrimitiveList removes values', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a', 'b'] } };
  const added = applyStrategicMergePatch(obj, { metadata: { '$setElementOrder/finalizers': ['a', 'b', 'c'], finalizers: ['c'] } }, 'ConfigMap') as Obj;
  assert.deepEqual(added.metadata.finalizers, ['a', 'b', 'c']);
  const removed = applyStrategicMergePatch(obj, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, 'ConfigMap') as Obj;
  assert.deepEqual(removed.metadata.finalizers, ['b']);
});

test('$retainKeys on the Deployment strategy drops rollingUpdate', () => {
  const out = applyStrategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, 'Deployment') as Obj;
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  const err = rejection(() => applyStrategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 'Deployment'));
  assert.equal(err.httpCode, 400);
  assert.equal(err.message, 'invalid patch format of retainKeys');
});

test('$patch replace and delete on maps and lists', () => {
  const replaced = applyStrategicMergePatch(service(), { spec: { selector: { $patch: 'replace', run: 'x' } } }, 'Service') as Obj;
  assert.deepEqual(replaced.spec.selector, { run: 'x' });
  const emptied = applyStrategicMergePatch(service(), { metadata: { labels: { $patch: 'delete' } } }, 'Service') as Obj;
  assert.deepEqual(emptied.metadata.labels, {});
  const list = applyStrategicMergePatch(service(), { spec: { ports: [{ port: 8080 }, { $patch: 'replace' }] } }, 'Service') as Obj;
  assert.deepEqual(list.spec.ports, [{ port: 8080 }]);
});

test('unknown directives are stripped and inputs are not mutated', () => {
  const original = service();
  const before = structuredClone(original);
  const patch = { metadata: { $foo: 'x', labels: { new: 'y' } }, spec: { ports: [{ port: 80, $bar: 1, name: 'web' }] } };
  const patchBefore = structuredClone(patch);
  const out = applyStrategicMergePatch(original, patch, 'Service') as Obj;
  assert.equal('$foo' in out.metadata, false);
  assert.equal('$bar' in out.spec.ports[0], false);
  assert.equal(out.spec.ports[0].name, 'web');
  assert.deepEqual(original, before);
  assert.deepEqual(patch, patchBefore);
});

test('errors take the apiserver status codes', () => {
  const merge = rejection(() => applyStrategicMergePatch(service(), { spec: { ports: [{ $patch: 'merge', port: 80 }] } }, 'Service'));
  assert.equal(merge.httpCode, 500);
  assert.equal(merge.message, 'merging lists cannot yet be specified in the patch');
  const noKey = rejection(() => applyStrategicMergePatch(service(), { spec: { ports: [{ name: 'x' }] } }, 'Service'));
  assert.equal(noKey.message, 'map: map[name:x] does not contain declared merge key: port');
  assert.equal(rejection(() => applyStrategicMergePatch(service(), { metadata: { '$setElementOrderX/y': [] } }, 'Service')).message, 'invalid patch format of setElementOrder list');


});
