import test from 'node:test';
import assert from 'node:assert/strict';
import { ServiceAllocator } from './service-allocation.js';
import { fieldErrorText } from '../errors.js';
import { prepareServiceForUpdate } from '../validation/index.js';
import type { KubeObject } from '../types.js';

const cfg = { serviceCIDR: '10.96.0.0/12', nodePortRange: '30000-32767' };
function svc(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

test('allocates a cluster IP inside the range and never the same one twice', () => {
  const a = new ServiceAllocator(cfg);
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const s = svc(`s${i}`, { ports: [{ port: 80 }] });
    const r = a.allocate(s);
    assert.deepEqual(r.errors, []);
    const ip = (s.spec as { clusterIP: string }).clusterIP;
    assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    assert.ok(!seen.has(ip), `duplicate ${ip}`);
    seen.add(ip);
  }
});

test('a requested cluster IP is honoured, and refused with Kubernetes messages when taken or outside the range', () => {
  const a = new ServiceAllocator(cfg);
  const first = svc('kubernetes', { clusterIP: '10.96.0.1', ports: [{ port: 443 }] });
  assert.deepEqual(a.allocate(first).errors, []);
  assert.deepEqual((first.spec as { clusterIPs: string[] }).clusterIPs, ['10.96.0.1']);
  const dup = a.allocate(svc('x', { clusterIP: '10.96.0.1' }));
  assert.equal(fieldErrorText(dup.errors[0]), 'spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated');
  const out = a.allocate(svc('y', { clusterIP: '192.168.1.1' }));
  assert.equal(
    fieldErrorText(out.errors[0]),
    'spec.clusterIPs: Invalid value: []string{"192.168.1.1"}: failed to allocate IP 192.168.1.1: the provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
  );
});

test('node ports: requested honoured, out of range and duplicates refused with the reference messages', () => {
  const a = new ServiceAllocator(cfg);
  const s1 = svc('nginx', { type: 'NodePort', ports: [{ port: 80, nodePort: 31326 }] });
  assert.deepEqual(a.allocate(s1).errors, []);
  const s2 = a.allocate(svc('x', { type: 'NodePort', ports: [{ port: 80, nodePort: 31326 }] }));
  assert.equal(fieldErrorText(s2.errors[0]), 'spec.ports[0].nodePort: Invalid value: 31326: provided port is already allocated');
  const s3 = a.allocate(svc('bad', { type: 'NodePort', ports: [{ port: 80, nodePort: 99999 }] }));
  assert.equal(fieldErrorText(s3.errors[0]), 'spec.ports[0].nodePort: Invalid value: 99999: provided port is not in the valid range. The range of valid ports is 30000-32767');
  // A failed allocation gives back the cluster IP it took.
  const auto = svc('auto', { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] });
  assert.deepEqual(a.allocate(auto).errors, []);
  const ports = (auto.spec as { ports: { nodePort: number }[] }).ports.map((p) => p.nodePort);
  for (const p of ports) assert.ok(p >= 30000 && p <= 32767);
  assert.notEqual(ports[0], ports[1]);
});

test('type changes (prepared as upstream prepares them) keep the cluster IP, drop unused node ports and release them', () => {
  const a = new ServiceAllocator(cfg);
  const v1 = svc('nginx', { type: 'ClusterIP', ports: [{ port: 80 }] });
  a.allocate(v1);
  const ip = (v1.spec as { clusterIP: string }).clusterIP;
  // NodePort patch without clusterIP (as `kubectl patch` merges it, the IP is there; as a PUT it may be absent).
  const v2 = svc('nginx', { type: 'NodePort', ports: [{ port: 80 }] });
  prepareServiceForUpdate(v2, v1);
  const r2 = a.allocate(v2, v1);
  assert.deepEqual(r2.errors, []);
  assert.equal((v2.spec as { clusterIP: string }).clusterIP, ip);
  const np = (v2.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
  assert.ok(np >= 30000);
  // Back to ClusterIP with the node port still in the object: dropped and released.
  const v3 = svc('nginx', { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80, nodePort: np }] });
  prepareServiceForUpdate(v3, v2);
  const r3 = a.allocate(v3, v2);
  assert.equal((v3.spec as { ports: { nodePort?: number }[] }).ports[0].nodePort, undefined);
  a.commitRelease(r3.released);
  const other = svc('other', { type: 'NodePort', ports: [{ port: 1, nodePort: np }] });
  assert.deepEqual(a.allocate(other).errors, [], 'released node port can be taken again');
});

test('rebuild after restart refuses values already held', () => {
  const a = new ServiceAllocator(cfg);
  a.rebuild([svc('a', { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], type: 'NodePort', ports: [{ port: 53, nodePort: 30053 }] })]);
  assert.equal(a.allocate(svc('b', { clusterIP: '10.96.0.10' })).errors.length, 1);
  assert.equal(a.allocate(svc('c', { type: 'NodePort', ports: [{ port: 1, nodePort: 30053 }] })).errors.length, 1);
});

test('headless and ExternalName get no cluster IP; LB with Local gets a health check node port', () => {
  const a = new ServiceAllocator(cfg);
  const h = svc('h', { clusterIP: 'None' });
  a.allocate(h);
  assert.deepEqual((h.spec as { clusterIPs: string[] }).clusterIPs, ['None']);
  const e = svc('e', { type: 'ExternalName', externalName: 'example.com' });
  a.allocate(e);
  assert.equal((e.spec as { clusterIP?: string }).clusterIP, undefined);
  const lb = svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 8086 }] });
  a.allocate(lb);
  assert.ok(((lb.spec as { healthCheckNodePort: number }).healthCheckNodePort ?? 0) >= 30000);
});

test('invalid() lists each distinct error once in the message, as ToAggregate does', async () => {
  const { invalid, fieldErr } = await import('../errors.js');
  const e = invalid('Service', '', 'x', [fieldErr.required('metadata.name'), fieldErr.required('metadata.name'), fieldErr.invalid('spec.type', 'Foo')]);
  assert.equal(e.message, 'Service "x" is invalid: [metadata.name: Required value, spec.type: Invalid value: "Foo"]');
  assert.equal(e.details?.causes?.length, 3);
});
