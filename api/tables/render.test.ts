import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findResource, type ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { renderTable } from './index.js';

const now = new Date('2024-05-01T12:00:00Z');

function resource(group: string, name: string): ResourceInfo {
  const r = findResource(group, 'v1', name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
}

const svc: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nginx', namespace: 'default', uid: 'u-1', resourceVersion: '42', creationTimestamp: '2024-05-01T11:55:00Z', labels: { app: 'nginx' }, annotations: { note: 'x' } },
  spec: { type: 'NodePort', clusterIPs: ['10.96.12.34'], ports: [{ port: 80, protocol: 'TCP', nodePort: 31326 }], selector: { app: 'nginx' } },
  status: { loadBalancer: {} },
};

test('a Service table as kubectl receives it', () => {
  const table = renderTable(resource('', 'services'), [svc], { now, resourceVersion: '100' });
  assert.equal(table.kind, 'Table');
  assert.equal(table.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(table.metadata, { resourceVersion: '100' });
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  assert.deepEqual(table.rows, [
    {
      cells: ['nginx', 'NodePort', '10.96.12.34', '<none>', '80:31326/TCP', '5m', 'app=nginx'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: svc.metadata },
    },
  ]);
  // Survives JSON the way the server sends it.
  assert.deepEqual(JSON.parse(JSON.stringify(table)), table);
});

test('includeObject: Object carries the whole object, None nothing', () => {
  const full = renderTable(resource('', 'services'), [svc], { now, includeObject: 'Object' });
  assert.equal(full.rows[0]?.object, svc);
  const none = renderTable(resource('', 'services'), [svc], { now, includeObject: 'None' });
  assert.equal('object' in none.rows[0]!, false);
});

test('the row metadata is a copy: editing it leaves the stored object alone', () => {
  const table = renderTable(resource('', 'services'), [svc], { now });
  (table.rows[0]!.object as { metadata: { name: string } }).metadata.name = 'changed';
  assert.equal(svc.metadata.name, 'nginx');
});

test('watch events after the first send no column definitions; paging fields pass through', () => {
  const table = renderTable(resource('', 'services'), [svc], { now, includeColumnDefinitions: false, resourceVersion: '7', continueToken: 'abc', remainingItemCount: 3 });
  assert.deepEqual(table.columnDefinitions, []);
  assert.deepEqual(table.metadata, { resourceVersion: '7', continue: 'abc', remainingItemCount: 3 });
  assert.equal(table.rows.length, 1);
});

test('empty lists still describe their columns', () => {
  const table = renderTable(resource('apps', 'deployments'), [], { now });
  assert.deepEqual(table.rows, []);
  assert.equal(table.columnDefinitions[2]?.name, 'Up-to-date');
});

test('finished pod rows carry conditions; column objects are not shared between tables', () => {
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-1', namespace: 'default' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
  const table = renderTable(resource('', 'pods'), [pod], { now });
  assert.deepEqual(table.rows[0]?.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  table.columnDefinitions[0]!.name = 'changed';
  assert.equal(renderTable(resource('', 'pods'), [], { now }).columnDefinitions[0]?.name, 'Name');
});

test('resources without a printer get the default table', () => {
  const info: ResourceInfo = { ...resource('', 'pods'), group: 'example.com', resource: 'widgets', kind: 'Widget' };
  const table = renderTable(info, [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', creationTimestamp: '2024-05-01T10:00:00Z' } }], { now });
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Created At']);
  assert.deepEqual(table.rows[0]?.cells, ['w', '2024-05-01T10:00:00Z']);
});
