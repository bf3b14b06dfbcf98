import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, referencedModels } from './client-node-models.js';
import { modelNameCandidates, upstreamSchemaName } from './schema-names.js';
import { rootTypes } from './generate-schemas.js';

test('client-node model names map to upstream schema names', () => {
  assert.equal(upstreamSchemaName('V1ServiceSpec'), 'io.k8s.api.core.v1.ServiceSpec');
  assert.equal(upstreamSchemaName('V1ObjectMeta'), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(upstreamSchemaName('V1Deployment'), 'io.k8s.api.apps.v1.Deployment');
  assert.equal(upstreamSchemaName('CoreV1Event'), 'io.k8s.api.core.v1.Event');
  assert.equal(upstreamSchemaName('CoreV1EndpointPort'), 'io.k8s.api.core.v1.EndpointPort');
  assert.equal(upstreamSchemaName('DiscoveryV1EndpointPort'), 'io.k8s.api.discovery.v1.EndpointPort');
  assert.equal(upstreamSchemaName('V1ServiceBackendPort'), 'io.k8s.api.networking.v1.ServiceBackendPort');
  assert.equal(upstreamSchemaName('V1Scale'), 'io.k8s.api.autoscaling.v1.Scale');
  assert.deepEqual(modelNameCandidates('', 'v1', 'Event'), ['CoreV1Event', 'V1Event']);
});

test('every served kind resolves to a client-node model', () => {
  const roots = rootTypes();
  const event = roots.find((r) => r.gvk.kind === 'Event');
  assert.equal(event?.model, 'CoreV1Event', 'the core Event, not events.k8s.io');
  assert.equal(roots.find((r) => r.gvk.kind === 'EndpointSliceList')?.model, 'V1EndpointSliceList');
  assert.equal(roots.find((r) => r.gvk.kind === 'Eviction')?.gvk.group, 'policy');
});

test('models carry JSON names, types, required flags and unescaped descriptions', () => {
  const port = loadModel('V1ServicePort');
  assert.equal(port.description, "ServicePort contains information on service's port.");
  const byName = Object.fromEntries(port.properties.map((p) => [p.jsonName, p]));
  assert.equal(byName.port.required, true);
  assert.equal(byName.port.format, 'int32');
  assert.equal(byName.name.required, false);
  assert.equal(byName.targetPort.type, 'IntOrString');
  assert.match(byName.protocol.description ?? '', /Supports "TCP", "UDP", and "SCTP"/);
  const listMeta = loadModel('V1ListMeta');
  assert.ok(listMeta.properties.some((p) => p.jsonName === 'continue'), 'TS-renamed fields keep their JSON name');
  assert.deepEqual(referencedModels('Array<V1Container>'), ['V1Container']);
  assert.deepEqual(referencedModels('{ [key: string]: string; }'), []);
  assert.deepEqual(referencedModels('Date'), []);
});
