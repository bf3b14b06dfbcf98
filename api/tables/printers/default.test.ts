import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPrinter } from './default.js';
import { printerFor } from './index.js';
import { podPrinter } from './pod.js';
import { kube, row } from './testing.js';

test('kinds without a printer get Name and Created At', () => {
  assert.deepEqual(
    defaultPrinter.columns.map((c) => [c.name, c.type, c.format]),
    [
      ['Name', 'string', 'name'],
      ['Created At', 'date', ''],
    ],
  );
  const o = kube('Widget', 'example.com/v1', 'w1', {}, { creationTimestamp: '2024-05-01T11:58:00.250Z' });
  assert.deepEqual(Object.values(row(defaultPrinter, o)), ['w1', '2024-05-01T11:58:00Z']);
  assert.deepEqual(Object.values(row(defaultPrinter, kube('Widget', 'example.com/v1', 'w2', {}, { creationTimestamp: undefined }))), ['w2', '0001-01-01T00:00:00Z']);
});

test('printerFor picks by resource and group', () => {
  assert.equal(printerFor({ group: '', resource: 'pods' }), podPrinter);
  assert.equal(printerFor({ group: 'example.com', resource: 'pods' }), defaultPrinter);
  assert.equal(printerFor({ group: '', resource: 'constructor' }), defaultPrinter);
  assert.equal(printerFor({ group: 'networking.k8s.io', resource: 'ingresses' }).columns[1]?.name, 'Class');
});
