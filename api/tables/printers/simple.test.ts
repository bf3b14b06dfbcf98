import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configMapPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './simple.js';
import { kube, row } from './testing.js';

test('namespaces: STATUS is the phase', () => {
  assert.deepEqual(namespacePrinter.columns.map((c) => c.name), ['Name', 'Status', 'Age']);
  assert.deepEqual(Object.values(row(namespacePrinter, kube('Namespace', 'v1', 'default', { status: { phase: 'Active' } }, { namespace: undefined }))), ['default', 'Active', '2m']);
  assert.deepEqual(Object.values(row(namespacePrinter, kube('Namespace', 'v1', 'old', { status: { phase: 'Terminating' } }))), ['old', 'Terminating', '2m']);
});

test('secrets: TYPE and a numeric DATA count', () => {
  assert.deepEqual(secretPrinter.columns.map((c) => [c.name, c.type]), [
    ['Name', 'string'],
    ['Type', 'string'],
    ['Data', 'string'],
    ['Age', 'string'],
  ]);
  const tls = kube('Secret', 'v1', 'shop-tls', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } });
  assert.deepEqual(Object.values(row(secretPrinter, tls)), ['shop-tls', 'kubernetes.io/tls', 2, '2m']);
  const fromStringData = kube('Secret', 'v1', 'creds', { data: { user: 'dQ==' }, stringData: { user: 'u', pass: 'p' } });
  assert.deepEqual(Object.values(row(secretPrinter, fromStringData)), ['creds', 'Opaque', 2, '2m']);
});

test('configmaps: DATA counts data and binaryData', () => {
  assert.deepEqual(configMapPrinter.columns.map((c) => c.name), ['Name', 'Data', 'Age']);
  const cm = kube('ConfigMap', 'v1', 'kube-root-ca.crt', { data: { 'ca.crt': 'PEM' }, binaryData: { 'logo.png': 'iVBO' } });
  assert.deepEqual(Object.values(row(configMapPrinter, cm)), ['kube-root-ca.crt', 2, '2m']);
  assert.deepEqual(Object.values(row(configMapPrinter, kube('ConfigMap', 'v1', 'empty'))), ['empty', 0, '2m']);
});

test('serviceaccounts: SECRETS counts referenced secrets', () => {
  assert.deepEqual(serviceAccountPrinter.columns.map((c) => c.name), ['Name', 'Secrets', 'Age']);
  assert.deepEqual(Object.values(row(serviceAccountPrinter, kube('ServiceAccount', 'v1', 'default'))), ['default', 0, '2m']);
  assert.deepEqual(Object.values(row(serviceAccountPrinter, kube('ServiceAccount', 'v1', 'build', { secrets: [{ name: 'build-token' }] }))), ['build', 1, '2m']);
});

test('leases: HOLDER or empty', () => {
  assert.deepEqual(leasePrinter.columns.map((c) => c.name), ['Name', 'Holder', 'Age']);
  const held = kube('Lease', 'coordination.k8s.io/v1', 'node-1', { spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } }, { namespace: 'kube-node-lease' });
  assert.deepEqual(Object.values(row(leasePrinter, held)), ['node-1', 'node-1', '2m']);
  assert.deepEqual(Object.values(row(leasePrinter, kube('Lease', 'coordination.k8s.io/v1', 'free', { spec: {} }))), ['free', '', '2m']);
});
