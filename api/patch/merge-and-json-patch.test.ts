import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejection } from '../../testing/api-error.js';
import { applyJsonPatch, applyMergePatch } from './index.js';

type Obj = Record<string, any>;

const svc = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } },
  spec: { ports: [{ port: 80 }, { port: 443 }], selector: { app: 'web' } },
});

test('merge patch: kubectl label body merges the labels map', () => {
  const out = applyMergePatch(svc(), { metadata: { labels: { tier: 'be', env: 'prod' } } }) as Obj;
  assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'be', env: 'prod' });
});

test('merge patch: null deletes, arrays replace, scale body sets replicas', () => {
  const out = applyMergePatch(svc(), { metadata: { labels: { tier: null } }, spec: { ports: [{ port: 8080 }], selector: null } }) as Obj;
  assert.deepEqual(out.metadata.labels, { app: 'web' });
  assert.deepEqual(out.spec.ports, [{ port: 8080 }]);
  assert.equal('selector' in out.spec, false);
  const scaled = applyMergePatch({ spec: { replicas: 1 } }, { spec: { replicas: 3 } }) as Obj;
  assert.equal(scaled.spec.replicas, 3);
});

test('merge patch: new objects are stored without null keys, inputs untouched', () => {
  const original = svc();
  const patch = { spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10, x: null } } } };
  const out = applyMergePatch(original, patch) as Obj;
  assert.deepEqual(out.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10 } });
  assert.equal(original.spec.sessionAffinityConfig, undefined);
  assert.equal(patch.spec.sessionAffinityConfig.clientIP.x, null);
});

test('merge patch: bodies that are not objects', () => {
  assert.equal(rejection(() => applyMergePatch(svc(), [] as unknown as object)).message, 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
  const nul = rejection(() => applyMergePatch(svc(), null as unknown as object));
  assert.equal(nul.httpCode, 400);
  assert.equal(nul.message, 'Invalid JSON Patch');
});

test('json patch: add, replace, remove, test', () => {
  const out = applyJsonPatch(svc(), [
    { op: 'test', path: '/metadata/name', value: 'web' },
    { op: 'add', path: '/metadata/labels/env', value: 'prod' },
    { op: 'replace', path: '/spec/ports/0/port', value: 8080 },
    { op: 'remove', path: '/spec/ports/1' },
  ]) as Obj;
  assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'fe', env: 'prod' });
  assert.deepEqual(out.spec.ports, [{ port: 8080 }]);
});

test('json patch: a failed test or a missing path is the generic 422', () => {
  for (const ops of [[{ op: 'test', path: '/metadata/name', value: 'other' }], [{ op: 'remove', path: '/spec/nothing' }], [{ op: 'replace', path: '/metadata/missing', value: 1 }], [{ op: '_get', path: '/metadata' }], [null]]) {
    const err = rejection(() => applyJsonPatch(svc(), ops));
    assert.equal(err.httpCode, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.message, 'the server rejected our request due to an error in our request');
    assert.deepEqual(err.toStatus().details, {});
  }
});

test('json patch: a body that is not a list is a 400', () => {
  const err = rejection(() => applyJsonPatch(svc(), { op: 'add' }));
  assert.equal(err.httpCode, 400);
  assert.equal(err.message, 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
  assert.equal(rejection(() => applyJsonPatch(svc(), [1])).message, 'error decoding patch: json: cannot unmarshal number into Go value of type handlers.jsonPatchOp');
  assert.equal(rejection(() => applyJsonPatch(svc(), [{ op: 1 }])).message, 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string');
});

test('json patch: too many operations is a 413; inputs are not mutated', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Service' }));
  const err = rejection(() => applyJsonPatch(svc(), ops));
  assert.equal(err.httpCode, 413);
  assert.equal(err.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
  const original = svc();
  const value = { nested: true };
  const out = applyJsonPatch(original, [{ op: 'add', path: '/spec/extra', value }]) as Obj;
  out.spec.extra.nested = false;
  assert.equal(value.nested, true);
  assert.equal(original.spec.extra, undefined);
});
