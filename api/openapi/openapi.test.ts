import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { servedGroupVersions, resources } from '../resources.js';
import { findUnknownFields, groupVersionPath, openApiV3Document, openApiV3Index, strictDecodingMessage, unknownFieldText } from './index.js';

type Obj = Record<string, any>;
const refPrefix = '#/components/schemas/';

function doc(path: string): Obj {
  const d = openApiV3Document(path);
  assert.ok(d, `document ${path}`);
  return d as Obj;
}

/** Resolves the way kubectl explain's template does: `$ref`, then single `allOf` alternatives. */
function resolve(d: Obj, s: Obj): Obj {
  if (s.$ref) return resolve(d, d.components.schemas[s.$ref.slice(refPrefix.length)]);
  if (s.allOf?.length === 1 && !s.properties) return resolve(d, s.allOf[0]);
  return s;
}

function schemaOfKind(d: Obj, gvk: { group: string; version: string; kind: string }): Obj | undefined {
  return Object.values(d.components.schemas as Obj).find((s: Obj) =>
    (s['x-kubernetes-group-version-kind'] ?? []).some((g: Obj) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind),
  );
}

test('the index lists every served group-version with a hash of its document', () => {
  const index = openApiV3Index() as { paths: Record<string, { serverRelativeURL: string }> };
  const expected = servedGroupVersions().map((gv) => groupVersionPath(gv.group, gv.version));
  assert.ok(expected.includes('apis/extensions/v1beta1'), 'old Ingress versions are served by conversion');
  assert.deepEqual(Object.keys(index.paths).sort(), [...expected].sort());
  assert.ok(expected.includes('api/v1') && expected.includes('apis/apps/v1'));
  for (const [path, entry] of Object.entries(index.paths)) {
    const hash = createHash('sha512').update(JSON.stringify(doc(path))).digest('hex').toUpperCase();
    assert.equal(entry.serverRelativeURL, `/openapi/v3/${path}?hash=${hash}`);
  }
  assert.deepEqual(openApiV3Index(), index, 'stable across calls');
  assert.equal(openApiV3Document('apis/batch/v1'), undefined);
  assert.ok(openApiV3Document('/api/v1/'), 'leading and trailing slashes are tolerated');
});

test('every PATCH operation of every served kind has its GVK and a fieldValidation query parameter', () => {
  for (const r of resources) {
    const d = doc(groupVersionPath(r.group, r.version));
    const patches = Object.values(d.paths as Obj)
      .map((item: Obj) => item.patch)
      .filter((op: Obj | undefined) => {
        const g = op?.['x-kubernetes-group-version-kind'];
        return g && g.group === r.group && g.version === r.version && g.kind === r.kind;
      });
    assert.ok(patches.length > 0, `${r.resource} has a PATCH operation`);
    for (const op of patches) {
      // kubectl's verifier stops at the first PATCH of the GVK it meets, in map order: all must qualify.
      assert.ok(op.parameters.some((p: Obj) => p.name === 'fieldValidation' && p.in === 'query'), `${op.operationId} takes fieldValidation`);
      // Without this content type kubectl apply builds strategic merge patches from its compiled-in
      // Go struct tags (right for built-in kinds) rather than from these generated schemas.
      assert.equal(op.requestBody.content['application/strategic-merge-patch+json'], undefined, `${op.operationId} leaves SMP to kubectl's built-in rules`);
    }
  }
});

test('kubectl explain finds each kind: a GVK on its resource path and a component with the same GVK', () => {
  for (const r of resources) {
    const d = doc(groupVersionPath(r.group, r.version));
    const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const listPath = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    const gvk = d.paths[listPath]?.get?.['x-kubernetes-group-version-kind'];
    assert.deepEqual(gvk, { group: r.group, kind: r.kind, version: r.version }, listPath);
    const schema = schemaOfKind(d, gvk);
    assert.ok(schema?.description, `${r.kind} schema with a description`);
    // explain compares with reflect.DeepEqual, so the extension entries must have exactly these keys.
    for (const g of schema['x-kubernetes-group-version-kind']) assert.deepEqual(Object.keys(g).sort(), ['group', 'kind', 'version']);
    assert.ok(schemaOfKind(d, { ...gvk, kind: r.listKind }), `${r.listKind} schema`);
  }
});

test('every $ref in every document resolves inside that document', () => {
  for (const path of Object.keys((openApiV3Index() as Obj).paths)) {
    const d = doc(path);
    const refs = JSON.stringify(d).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of new Set(refs)) {
      const name = r.slice('"$ref":"'.length + refPrefix.length, -1);
      assert.ok(d.components.schemas[name], `${path}: ${name}`);
    }
  }
});

test('the Service schema reaches spec.ports[].port with descriptions and merge keys', () => {
  const d = doc('api/v1');
  const service = schemaOfKind(d, { group: '', version: 'v1', kind: 'Service' })!;
  const specField = service.properties.spec;
  assert.deepEqual(specField.allOf, [{ $ref: `${refPrefix}io.k8s.api.core.v1.ServiceSpec` }], 'references wrapped in allOf like upstream');
  const ports = resolve(d, specField).properties.ports;
  assert.equal(ports.type, 'array');
  assert.equal(ports['x-kubernetes-patch-merge-key'], 'port');
  assert.equal(ports['x-kubernetes-patch-strategy'], 'merge');
  assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['port', 'protocol']);
  const port = resolve(d, ports.items);
  assert.deepEqual(port.required, ['port']);
  assert.equal(port.properties.port.type, 'integer');
  assert.equal(port.properties.port.format, 'int32');
  assert.match(port.properties.port.description, /port that will be exposed/);
  assert.equal(port.properties.protocol.default, 'TCP');
  const targetPort = resolve(d, port.properties.targetPort);
  assert.equal(targetPort.format, 'int-or-string');
  assert.equal(targetPort['x-kubernetes-int-or-string'], true);
  const meta = resolve(d, service.properties.metadata);
  assert.equal(resolve(d, meta.properties.creationTimestamp).format, 'date-time');
  assert.equal(meta.properties.ownerReferences['x-kubernetes-patch-merge-key'], 'uid');
});

test('pod templates in apps/v1 carry the container merge keys', () => {
  const d = doc('apis/apps/v1');
  const podSpec = d.components.schemas['io.k8s.api.core.v1.PodSpec'];
  assert.equal(podSpec.properties.containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(podSpec.properties.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
  const container = d.components.schemas['io.k8s.api.core.v1.Container'];
  assert.equal(container.properties.ports['x-kubernetes-patch-merge-key'], 'containerPort');
  assert.equal(container.properties.env['x-kubernetes-patch-merge-key'], 'name');
  const limits = container.properties.resources && resolve(d, container.properties.resources).properties.limits;
  assert.deepEqual(limits.additionalProperties, { $ref: `${refPrefix}io.k8s.apimachinery.pkg.api.resource.Quantity` });
  assert.ok(d.components.schemas['io.k8s.api.autoscaling.v1.Scale'], 'the scale subresource kind is published');
});

test('findUnknownFields reports unknown fields with the strict decoder\'s paths', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', labels: { anything: 'goes' }, annotations: { 'a/b': 'c' } },
    spec: { foo: 1, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', bar: true }, { port: 81 }] },
    status: { loadBalancer: {} },
  };
  assert.deepEqual(findUnknownFields('v1', 'Service', service), ['spec.foo', 'spec.ports[0].bar']);
  assert.deepEqual(findUnknownFields('v1', 'Service', { ...service, spec: { ports: [{ port: 80 }] } }), []);
});

test('findUnknownFields walks nested kinds, maps of structs and top-level fields', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    extra: 1,
    metadata: { name: 'd', managedFields: [{ manager: 'x', fieldsV1: { 'f:spec': {} } }] },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1' } }, imagePolicy: 'x' }] } },
    },
  };
  assert.deepEqual(findUnknownFields('apps/v1', 'Deployment', deployment), ['extra', 'spec.template.spec.containers[0].imagePolicy']);
  assert.deepEqual(findUnknownFields('v1', 'Secret', { apiVersion: 'v1', kind: 'Secret', data: { k: 'djE=' }, stringData: { k: 'v' } }), []);
  assert.deepEqual(findUnknownFields('example.com/v1', 'Widget', { foo: 1 }), []);
});

test('hand-written field tables name schemas and fields that exist', async () => {
  const { componentSchemas } = await import('./index.js');
  const { fieldFacts, quantityFields, atomicStructs } = await import('./field-extensions.js');
  const { fieldDescriptions } = await import('./field-descriptions.js');
  const { fullSchemaName } = await import('./schema-names.js');
  const schemas = componentSchemas() as Obj;
  const tables: Record<string, Record<string, unknown>>[] = [fieldFacts, fieldDescriptions];
  for (const table of tables)
    for (const [owner, fields] of Object.entries(table))
      for (const field of Object.keys(fields)) assert.ok(schemas[fullSchemaName(owner)]?.properties?.[field], `${owner}.${field}`);
  for (const [owner, fields] of Object.entries(quantityFields)) for (const f of fields) assert.ok(schemas[fullSchemaName(owner)]?.properties?.[f], `${owner}.${f}`);
  for (const owner of atomicStructs) assert.ok(schemas[fullSchemaName(owner)], owner);
});

test('strict decoding messages read like the apiserver\'s', () => {
  assert.equal(
    strictDecodingMessage('v1', 'Service', ['spec.foo', 'spec.ports[0].bar']),
    'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo", unknown field "spec.ports[0].bar"',
  );
  assert.match(strictDecodingMessage('apps/v1', 'Deployment', ['x']), /^Deployment in version "v1" cannot be handled as a Deployment: /);
  assert.equal(unknownFieldText('spec.foo'), 'unknown field "spec.foo"');
});
