import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejection } from '../../testing/api-error.js';
import { findResource, type ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { parseFieldSelector } from './index.js';

function resource(group: string, name: string): ResourceInfo {
  const r = findResource(group, 'v1', name);
  assert.ok(r, name);
  return r;
}
const pods = resource('', 'pods');
const events = resource('', 'events');
const nodes = resource('', 'nodes');
const services = resource('', 'services');
const ingresses = resource('networking.k8s.io', 'ingresses');
const replicasets = resource('apps', 'replicasets');

function pod(name: string, nodeName: string, phase: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName }, status: { phase, podIPs: [{ ip: '10.0.0.5' }] } };
}

test('the describe-node pod selector', () => {
  const s = parseFieldSelector('spec.nodeName=node1,status.phase!=Succeeded,status.phase!=Failed', pods);
  assert.ok(!s.empty);
  assert.ok(s.matches(pod('a', 'node1', 'Running')));
  assert.ok(!s.matches(pod('b', 'node1', 'Succeeded')));
  assert.ok(!s.matches(pod('c', 'node1', 'Failed')));
  assert.ok(!s.matches(pod('d', 'node2', 'Running')));
  assert.ok(parseFieldSelector('status.podIP=10.0.0.5', pods).matches(pod('e', 'n', 'Running')));
  assert.ok(parseFieldSelector('spec.host=node1', pods).matches(pod('f', 'node1', 'Running')), 'spec.host is the old name of spec.nodeName');
});

test('the describe-node events selector with involvedObject.uid twice', () => {
  const s = parseFieldSelector('involvedObject.kind=Node,involvedObject.uid=node1,involvedObject.name=node1,involvedObject.namespace=,involvedObject.uid=node1', events);
  const ev = (uid: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'node1.1', namespace: 'default' },
    involvedObject: { kind: 'Node', name: 'node1', uid },
    reason: 'Starting',
  });
  assert.ok(s.matches(ev('node1')));
  assert.ok(!s.matches(ev('5c1b')));
  assert.ok(parseFieldSelector('reportingComponent=kubelet,source=kubelet', events).matches({ ...ev('x'), reportingComponent: 'kubelet' }), 'source falls back to reportingComponent');
});

test('metadata.name gives the watch fast path', () => {
  const s = parseFieldSelector('metadata.name=web', services);
  assert.equal(s.requiredName, 'web');
  assert.ok(s.matches({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } }));
  assert.ok(!s.matches({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' } }));
  assert.equal(parseFieldSelector('metadata.name!=web', services).requiredName, undefined);
  assert.ok(parseFieldSelector('', services).empty);
  assert.ok(parseFieldSelector('spec.type==NodePort', services).matches({ apiVersion: 'v1', kind: 'Service', metadata: {}, spec: { type: 'NodePort' } }));
});

test('unparsable selectors', () => {
  const err = rejection(() => parseFieldSelector('foo', pods));
  assert.equal(err.httpCode, 400);
  assert.equal(err.message, "invalid selector: 'foo'; can't understand 'foo'");
  assert.equal(rejection(() => parseFieldSelector('a=b,c', pods)).message, "invalid selector: 'a=b,c'; can't understand 'c'");
  assert.equal(rejection(() => parseFieldSelector('metadata.name=a\\b', pods)).message, 'invalid field selector: invalid escape sequence: \\b');
});

test('escaped commas and equals signs are data', () => {
  const s = parseFieldSelector('metadata.name=a\\,b\\=c', ingresses);
  assert.equal(s.requiredName, 'a,b=c');
});

test('unsupported fields: kinds with a conversion func vs the default', () => {
  assert.equal(rejection(() => parseFieldSelector('foo.bar=baz', pods)).message, 'field label not supported: foo.bar');
  assert.equal(rejection(() => parseFieldSelector('foo.bar=baz', ingresses)).message, '"foo.bar" is not a known field selector: only "metadata.name", "metadata.namespace"');
  assert.equal(rejection(() => parseFieldSelector('metadata.namespace=x', nodes)).message, 'field label not supported: metadata.namespace');
  assert.equal(rejection(() => parseFieldSelector('status.replicas=0', replicasets)).message, '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
});

test('cluster-scoped kinds with the default conversion accept metadata.namespace, which is empty', () => {
  const ingressclasses = resource('networking.k8s.io', 'ingressclasses');
  const cls: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' } };
  assert.ok(parseFieldSelector('metadata.namespace=', ingressclasses).matches(cls));
  assert.ok(!parseFieldSelector('metadata.namespace=default', ingressclasses).matches(cls));
});

test('nodes select on spec.unschedulable', () => {
  const s = parseFieldSelector('spec.unschedulable=false', nodes);
  assert.ok(s.matches({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} }));
  assert.ok(!s.matches({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { unschedulable: true } }));
});
