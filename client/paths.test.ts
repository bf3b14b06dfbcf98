import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findResource } from '../api/resources.js';
import { queryString, resourcePath } from './paths.js';

const pods = findResource('', 'v1', 'pods')!;
const ingresses = findResource('networking.k8s.io', 'v1', 'ingresses')!;
const nodes = findResource('', 'v1', 'nodes')!;

test('core, grouped and cluster-scoped paths', () => {
  assert.equal(resourcePath(pods, 'default'), '/api/v1/namespaces/default/pods');
  assert.equal(resourcePath(pods), '/api/v1/pods');
  assert.equal(resourcePath(pods, 'kube-system', 'web-1', 'status'), '/api/v1/namespaces/kube-system/pods/web-1/status');
  assert.equal(resourcePath(ingresses, 'default', 'web'), '/apis/networking.k8s.io/v1/namespaces/default/ingresses/web');
  assert.equal(resourcePath(nodes, 'ignored', 'node-1'), '/api/v1/nodes/node-1');
});

test('a namespaced object without namespace, or an empty name, is refused', () => {
  assert.throws(() => resourcePath(pods, undefined, 'web'), { code: 'InvalidArgument' });
  assert.throws(() => resourcePath(pods, 'default', ''), { code: 'InvalidArgument' });
});

test('query strings skip unset values and encode selectors', () => {
  assert.equal(queryString({}), '');
  assert.equal(queryString({ a: undefined, b: '' }), '');
  assert.equal(queryString({ labelSelector: 'app in (a,b)', limit: 5 }), '?labelSelector=app+in+%28a%2Cb%29&limit=5');
});
