import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, object } from './test-support.js';

test('EndpointSlice: addressType, addresses and ports', () => {
  const slice = (rest: Record<string, unknown>) => object('discovery.k8s.io/v1', 'EndpointSlice', 'web-abcde', rest);
  assert.deepEqual(errorsOf(slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.244.1.5'] }], ports: [{ port: 80 }] })), []);
  assert.deepEqual(errorsOf(slice({ endpoints: [] })), ['addressType: Required value']);
  assert.deepEqual(errorsOf(slice({ addressType: 'IP' })), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
  assert.deepEqual(errorsOf(slice({ addressType: 'IPv4', endpoints: [{ addresses: [] }, { addresses: ['fd00::1', '127.0.0.1'] }] })), [
    'endpoints[0].addresses: Required value: must contain at least 1 address',
    'endpoints[1].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
    'endpoints[1].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ]);
  assert.deepEqual(errorsOf(slice({ addressType: 'IPv4', ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81, protocol: 'HTTP' }] })), [
    'ports[1].name: Duplicate value: "http"',
    'ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ]);
});

test('EndpointSlice update: addressType is immutable', () => {
  const slice = (t: string) => object('discovery.k8s.io/v1', 'EndpointSlice', 'web-abcde', { addressType: t });
  assert.deepEqual(errorsOf(slice('IPv6'), slice('IPv4')), ['addressType: Invalid value: "IPv6": field is immutable']);
});

test('Endpoints: subsets need addresses; several ports need names', () => {
  const ep = (subsets: unknown[]) => object('v1', 'Endpoints', 'web', { subsets });
  assert.deepEqual(errorsOf(ep([{ addresses: [{ ip: '10.244.0.7' }], ports: [{ port: 8080 }] }])), []);
  assert.deepEqual(errorsOf(ep([{ ports: [{ port: 80 }] }])), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']);
  assert.deepEqual(errorsOf(ep([{ addresses: [{ ip: 'x' }], ports: [{ port: 80 }, { name: 'b', port: 81 }] }])), [
    'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address',
    'subsets[0].ports[0].name: Required value',
  ]);
});

test('Secret: data keys, type-specific keys, type immutable', () => {
  const secret = (rest: Record<string, unknown>) => object('v1', 'Secret', 'tls', rest);
  assert.deepEqual(errorsOf(secret({ stringData: { 'a.txt': 'x' } })), []);
  assert.deepEqual(errorsOf(secret({ data: { 'bad/key': 'eA==' } })), [
    "data[bad/key]: Invalid value: \"bad/key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.deepEqual(errorsOf(secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } })), ['data[tls.key]: Required value']);
  assert.deepEqual(errorsOf(secret({ type: 'Other' }), secret({})), ['type: Invalid value: "Other": field is immutable']);
  assert.deepEqual(errorsOf(secret({ immutable: true, data: { a: 'eQ==' } }), secret({ immutable: true, data: { a: 'eA==' } })), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('ConfigMap: keys', () => {
  const cm = object('v1', 'ConfigMap', 'cfg', { data: { '..x': 'a', ok: 'b' }, binaryData: { ok: 'eA==' } });
  assert.deepEqual(errorsOf(cm), ["data[..x]: Invalid value: \"..x\": must not start with '..'", 'data[ok]: Invalid value: "ok": duplicate of key present in binaryData']);
});

test('Namespace: DNS-1123 label names', () => {
  assert.deepEqual(errorsOf(object('v1', 'Namespace', 'team-a')), []);
  assert.deepEqual(errorsOf(object('v1', 'Namespace', 'team.a')), ['metadata.name: Invalid value: "team.a": must not contain dots']);
});

test('Node: podCIDRs and taints', () => {
  const node = (spec: Record<string, unknown>) => object('v1', 'Node', 'node1', { spec, status: { capacity: { cpu: '4', pods: '110' } } });
  assert.deepEqual(errorsOf(node({ podCIDRs: ['10.244.1.0/24'] })), []);
  assert.deepEqual(errorsOf(node({ podCIDRs: ['10.244.1.0/33'], taints: [{ key: 'a', effect: 'Sometimes' }] })), [
    'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  assert.deepEqual(errorsOf(node({ podCIDRs: ['10.244.2.0/24'] }), node({ podCIDRs: ['10.244.1.0/24'] })), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
  ]);
  assert.deepEqual(errorsOf(node({ podCIDRs: ['10.244.1.0/24'] }), node({})), []);
});

test('Event: namespace must match the involved object', () => {
  const ev = (involvedNamespace: string) => object('v1', 'Event', 'web.1', { involvedObject: { kind: 'Pod', name: 'web', namespace: involvedNamespace }, reason: 'Started' });
  assert.deepEqual(errorsOf(ev('default')), []);
  assert.deepEqual(errorsOf(ev('other')), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
});

test('Lease: duration and transitions', () => {
  const lease = object('coordination.k8s.io/v1', 'Lease', 'node1', { spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }, 'kube-node-lease');
  assert.deepEqual(errorsOf(lease), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0', 'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']);
});

test('ServiceAccount: metadata only', () => {
  assert.deepEqual(errorsOf(object('v1', 'ServiceAccount', 'default')), []);
});

test('Event with eventTime: new-style fields are required', () => {
  const ev = object('v1', 'Event', 'web.2', { eventTime: '2026-01-01T00:00:00.000000Z', involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' } });
  const errs = errorsOf(ev);
  // Upstream also runs the qualified-name check on the empty component, hence two extra errors.
  assert.deepEqual(errs.filter((e) => e.includes('Required value')), ['reportingComponent: Required value', 'reportingInstance: Required value', 'action: Required value', 'reason: Required value']);
  assert.equal(errs[1], 'reportingComponent: Invalid value: "": name part must be non-empty');
});
