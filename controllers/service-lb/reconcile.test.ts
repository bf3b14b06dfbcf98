import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPool } from './pool.js';
import { assignPoolAddresses, decideIngress, nodeAddresses, toLbService, toNodeAddressInfo, type LbService } from './reconcile.js';

const lb = (key: string, over: Partial<LbService> = {}): LbService => ({ key, wantsLoadBalancer: true, creationTimestamp: `2026-01-01T00:00:0${key.length % 10}Z`, ipFamilies: ['IPv4'], currentIPs: [], ...over });

test('Service objects: LoadBalancer without a class is ours; status addresses are read', () => {
  const svc = toLbService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'd' }, spec: { type: 'LoadBalancer', loadBalancerIP: '10.0.0.9' }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.9', ipMode: 'VIP' }] } } });
  assert.deepEqual(svc, { key: 'd/a', wantsLoadBalancer: true, creationTimestamp: '', requestedIP: '10.0.0.9', ipFamilies: ['IPv4'], currentIPs: ['10.0.0.9'] });
  assert.equal(toLbService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' } }).wantsLoadBalancer, false);
  assert.equal(toLbService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'NodePort' } }).wantsLoadBalancer, false);
});

test('pool: addresses kept across restarts, requested ones honoured, new ones lowest-free by age', () => {
  const pool = new AddressPool(['192.168.1.240/29']);
  const got = assignPoolAddresses(
    [
      lb('ns/new', { creationTimestamp: '2026-01-03T00:00:00Z' }),
      lb('ns/kept', { creationTimestamp: '2026-01-02T00:00:00Z', currentIPs: ['192.168.1.243'] }),
      lb('ns/asks', { creationTimestamp: '2026-01-04T00:00:00Z', requestedIP: '192.168.1.241' }),
      lb('ns/older', { creationTimestamp: '2026-01-01T00:00:00Z' }),
      lb('ns/not-lb', { wantsLoadBalancer: false, currentIPs: ['192.168.1.242'] }),
    ],
    pool,
  );
  assert.deepEqual(Object.fromEntries(got), { 'ns/kept': '192.168.1.243', 'ns/asks': '192.168.1.241', 'ns/older': '192.168.1.242', 'ns/new': '192.168.1.244' });
});

test('pool: two Services claiming one address: the older keeps it; exhaustion leaves the rest without', () => {
  const pool = new AddressPool(['10.0.0.1-10.0.0.2']);
  const got = assignPoolAddresses(
    [
      lb('b', { creationTimestamp: '2026-01-02T00:00:00Z', currentIPs: ['10.0.0.1'] }),
      lb('a', { creationTimestamp: '2026-01-01T00:00:00Z', currentIPs: ['10.0.0.1'] }),
      lb('c', { creationTimestamp: '2026-01-03T00:00:00Z' }),
      lb('d', { creationTimestamp: '2026-01-04T00:00:00Z', requestedIP: '10.0.0.1' }),
    ],
    pool,
  );
  assert.deepEqual(Object.fromEntries(got), { a: '10.0.0.1', b: '10.0.0.2' });
  const d = decideIngress(lb('c'), [], true);
  assert.equal(d.problem, 'no available IPs in the address pool');
  assert.match(decideIngress(lb('d', { requestedIP: '10.0.0.1' }), [], true).problem!, /not in the address pool or is already in use/);
});

test('no pool: the Ready nodes\' InternalIPs of the Service family', () => {
  const node = (name: string, ready: boolean, ips: string[]) =>
    toNodeAddressInfo({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [...ips.map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: name }] } });
  const nodes = [node('n2', true, ['192.0.2.12', '2001:db8::12']), node('n1', true, ['192.0.2.11']), node('n3', false, ['192.0.2.13'])];
  assert.deepEqual(nodeAddresses(lb('x'), nodes), ['192.0.2.11', '192.0.2.12']);
  assert.deepEqual(nodeAddresses(lb('x', { ipFamilies: ['IPv6'] }), nodes), ['2001:db8::12']);
  assert.match(decideIngress(lb('x'), [], false).problem!, /no Ready node/);
});

test('decisions: write only on change; a Service that stops being LoadBalancer gives its address back', () => {
  assert.deepEqual(decideIngress(lb('x'), ['10.0.0.1'], true), { ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }], changed: true, problem: undefined });
  assert.equal(decideIngress(lb('x', { currentIPs: ['10.0.0.1'] }), ['10.0.0.1'], true).changed, false);
  assert.deepEqual(decideIngress(lb('x', { wantsLoadBalancer: false, currentIPs: ['10.0.0.1'] }), [], true), { ingress: [], changed: true, problem: undefined });
});
