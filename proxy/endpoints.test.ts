import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categorizeEndpoints } from './endpoints.js';
import type { Endpoint, ServicePortInfo } from './model.js';

const svc: ServicePortInfo = {
  namespace: 'ns', name: 'svc', portName: 'p', protocol: 'TCP', clusterIP: '10.96.0.1', port: 80, nodePort: 0,
  loadBalancerVIPs: [], externalIPs: [], loadBalancerSourceRanges: [], sessionAffinity: 'None', stickyMaxAgeSeconds: 0,
  externalPolicyLocal: false, internalPolicyLocal: false, healthCheckNodePort: 0, topologyAware: false,
};

function ep(ip: string, extra: Partial<Endpoint> = {}): Endpoint {
  return { ip, port: 80, ready: true, serving: true, terminating: false, nodeName: '', zone: '', zoneHints: [], isLocal: false, ...extra };
}

const ips = (eps: readonly Endpoint[]) => eps.map((e) => e.ip);

test('cluster policy uses ready endpoints, else serving+terminating ones', () => {
  const c = categorizeEndpoints([ep('10.0.0.1'), ep('10.0.0.2', { ready: false })], svc);
  assert.deepEqual(ips(c.cluster), ['10.0.0.1']);
  assert.equal(c.hasAnyEndpoints, true);
  const t = categorizeEndpoints([ep('10.0.0.1', { ready: false, terminating: true }), ep('10.0.0.2', { ready: false, serving: false, terminating: true })], svc);
  assert.deepEqual(ips(t.cluster), ['10.0.0.1']);
  const none = categorizeEndpoints([ep('10.0.0.2', { ready: false })], svc);
  assert.equal(none.hasAnyEndpoints, false);
  assert.deepEqual(none.allLocallyReachable, []);
});

test('eTP=Local: local ready endpoints, all reachable = union; no local ones still counts as having endpoints', () => {
  const external = { ...svc, nodePort: 30001, externalPolicyLocal: true };
  const c = categorizeEndpoints([ep('10.0.0.1'), ep('10.0.0.2', { isLocal: true })], external);
  assert.deepEqual(ips(c.local), ['10.0.0.2']);
  assert.deepEqual(ips(c.allLocallyReachable), ['10.0.0.1', '10.0.0.2']);
  const remote = categorizeEndpoints([ep('10.0.0.1')], external);
  assert.deepEqual(remote.local, []);
  assert.equal(remote.hasAnyEndpoints, true);
});

test('iTP=Local without external access uses only local endpoints', () => {
  const c = categorizeEndpoints([ep('10.0.0.1'), ep('10.0.0.3', { isLocal: true, ready: false, terminating: true })], { ...svc, internalPolicyLocal: true });
  assert.deepEqual(c.cluster, []);
  assert.deepEqual(ips(c.local), ['10.0.0.3'], 'local serving+terminating fallback');
  assert.deepEqual(ips(c.allLocallyReachable), ['10.0.0.3']);
  assert.equal(c.hasAnyEndpoints, true);
});

test('zone hints filter cluster endpoints only when every ready endpoint has hints and one matches', () => {
  const aware = { ...svc, topologyAware: true };
  const eps = [ep('10.0.0.1', { zoneHints: ['a'] }), ep('10.0.0.2', { zoneHints: ['b'] })];
  assert.deepEqual(ips(categorizeEndpoints(eps, aware, { zone: 'a' }).cluster), ['10.0.0.1']);
  assert.deepEqual(ips(categorizeEndpoints(eps, aware, { zone: 'c' }).cluster), ['10.0.0.1', '10.0.0.2'], 'no hint for this zone');
  assert.deepEqual(ips(categorizeEndpoints([...eps, ep('10.0.0.3')], aware, { zone: 'a' }).cluster).length, 3, 'one endpoint without hints');
  assert.deepEqual(ips(categorizeEndpoints(eps, svc, { zone: 'a' }).cluster).length, 2, 'service not topology-aware');
});
