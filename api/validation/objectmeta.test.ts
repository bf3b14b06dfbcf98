import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, object } from './test-support.js';

const cm = (meta: Record<string, unknown>) => {
  const o = object('v1', 'ConfigMap', 'cfg');
  Object.assign(o.metadata, meta);
  return o;
};
const subdomain = (v: string) =>
  `Invalid value: "${v}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
const labelKey = (v: string, part: string) =>
  `Invalid value: "${v}": ${part} must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`;

const cases: { name: string; meta: Record<string, unknown>; want: string[] }[] = [
  { name: 'name required', meta: { name: undefined }, want: ['metadata.name: Required value: name or generateName is required'] },
  { name: 'subdomain names', meta: { name: 'My_Config' }, want: [`metadata.name: ${subdomain('My_Config')}`] },
  { name: 'generateName may end in a dash', meta: { name: 'cfg-abcde', generateName: 'cfg-' }, want: [] },
  { name: 'label key', meta: { labels: { 'a b': 'x' } }, want: [`metadata.labels: ${labelKey('a b', 'name part')}`] },
  {
    name: 'label value',
    meta: { labels: { app: '-x' } },
    want: [
      "metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  },
  { name: 'label key too long', meta: { labels: { ['k'.repeat(64)]: 'v' } }, want: [`metadata.labels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`] },
  { name: 'label key with prefix', meta: { labels: { 'example.com/app': 'x', '/app': 'y' } }, want: ['metadata.labels: Invalid value: "/app": prefix part must be non-empty'] },
  { name: 'annotations are case-insensitive keys', meta: { annotations: { 'Example.com/Note': 'x' } }, want: [] },
  { name: 'annotations total size', meta: { annotations: { big: 'x'.repeat(256 * 1024) } }, want: ['metadata.annotations: Too long: may not be more than 262144 bytes'] },
  { name: 'namespace format', meta: { namespace: 'Team.A' }, want: [`metadata.namespace: Invalid value: "Team.A": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`] },
  { name: 'finalizer names', meta: { finalizers: ['kubernetes', 'example.com/cleanup', 'cleanup'] }, want: ['metadata.finalizers[2]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'] },
  {
    name: 'owner references',
    meta: { ownerReferences: [{ apiVersion: '', kind: 'ReplicaSet', name: '', uid: 'u1' }] },
    want: ['metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty', 'metadata.ownerReferences.name: Invalid value: "": must not be empty'],
  },
  {
    name: 'one controller owner',
    meta: {
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      ],
    },
    want: [
      'metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"a", UID:"1", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}, v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"b", UID:"2", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}}: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
    ],
  },
];

for (const c of cases) test(`ObjectMeta: ${c.name}`, () => assert.deepEqual(errorsOf(cm(c.meta)), c.want));

test('ObjectMeta: cluster-scoped kinds refuse a namespace', () => {
  const ns = object('v1', 'Namespace', 'team-a');
  ns.metadata.namespace = 'default';
  assert.deepEqual(errorsOf(ns), ['metadata.namespace: Forbidden: not allowed on this type']);
});

test('ObjectMeta update: name, namespace and uid are immutable', () => {
  const old = cm({ uid: 'u1' });
  assert.deepEqual(errorsOf(cm({ uid: 'u2', namespace: 'other' }), old), [
    'metadata.namespace: Invalid value: "other": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  assert.deepEqual(errorsOf(cm({}), old), []);
});

test('ObjectMeta update: no new finalizers while deleting', () => {
  const old = cm({ deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['example.com/a'] });
  assert.deepEqual(errorsOf(cm({ finalizers: ['example.com/a', 'example.com/b'] }), old), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b"}',
  ]);
});
