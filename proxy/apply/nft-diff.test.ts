import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProxyState, type EndpointSliceJson, type ServiceJson } from '../from-api.js';
import { renderNftablesRules } from '../nftables/render.js';
import { diffTransactions, parseTransaction } from './nft-diff.js';

const svc = (name: string, ip: string): ServiceJson => ({ metadata: { namespace: 'ns', name }, spec: { clusterIP: ip, ports: [{ port: 80, protocol: 'TCP' }] } });
const slice = (name: string, ips: string[]): EndpointSliceJson => ({
  metadata: { namespace: 'ns', name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip] })),
  ports: [{ name: '', port: 8080, protocol: 'TCP' }],
});

function render(services: ServiceJson[], slices: EndpointSliceJson[]): string {
  return renderNftablesRules(buildProxyState(services, slices, { ipFamily: 4, nodeName: 'n' }), { nodeIPs: ['192.0.2.1'], clusterCIDR: '10.244.0.0/16' });
}

test('no change, no transaction', () => {
  const t = render([svc('a', '10.96.0.1')], [slice('a', ['10.244.0.5'])]);
  assert.equal(diffTransactions(parseTransaction(t), parseTransaction(t), 'ip', 'kube-proxy'), '');
});

test('an endpoint change rewrites only that service and its new endpoint chain', () => {
  const before = render([svc('a', '10.96.0.1'), svc('b', '10.96.0.2')], [slice('a', ['10.244.0.5']), slice('b', ['10.244.0.6'])]);
  const after = render([svc('a', '10.96.0.1'), svc('b', '10.96.0.2')], [slice('a', ['10.244.0.7']), slice('b', ['10.244.0.6'])]);
  const diff = diffTransactions(parseTransaction(before), parseTransaction(after), 'ip', 'kube-proxy');
  const lines = diff.trim().split('\n');
  assert.ok(lines.every((l) => !l.includes('ns/b/')), diff);
  assert.ok(lines.some((l) => /^add chain ip kube-proxy endpoint-\S+-ns\/a\/tcp\/__10\.244\.0\.7\/8080$/.test(l)), diff);
  assert.ok(lines.some((l) => /^flush chain ip kube-proxy endpoint-\S+-ns\/a\/tcp\/__10\.244\.0\.5\/8080$/.test(l)), diff);
  // Chains are declared before any rule refers to them.
  const firstRule = lines.findIndex((l) => l.startsWith('add rule'));
  const lastChain = lines.map((l) => l.startsWith('add chain')).lastIndexOf(true);
  assert.ok(lastChain < firstRule, diff);
});

test('a deleted service: its map elements deleted, its chains flushed', () => {
  const before = render([svc('a', '10.96.0.1'), svc('b', '10.96.0.2')], [slice('a', ['10.244.0.5']), slice('b', ['10.244.0.6'])]);
  const after = render([svc('a', '10.96.0.1')], [slice('a', ['10.244.0.5'])]);
  const diff = diffTransactions(parseTransaction(before), parseTransaction(after), 'ip', 'kube-proxy');
  assert.match(diff, /^delete element ip kube-proxy service-ips \{ 10\.96\.0\.2 \. tcp \. 80 \}$/m);
  assert.match(diff, /^delete element ip kube-proxy cluster-ips \{ 10\.96\.0\.2 \}$/m);
  assert.match(diff, /^flush chain ip kube-proxy service-\S+-ns\/b\/tcp\/$/m);
  assert.doesNotMatch(diff, /^add /m);
});

test('a service losing its endpoints moves from service-ips to no-endpoint-services', () => {
  const before = render([svc('a', '10.96.0.1')], [slice('a', ['10.244.0.5'])]);
  const after = render([svc('a', '10.96.0.1')], []);
  const diff = diffTransactions(parseTransaction(before), parseTransaction(after), 'ip', 'kube-proxy');
  assert.match(diff, /^delete element ip kube-proxy service-ips \{ 10\.96\.0\.1 \. tcp \. 80 \}$/m);
  assert.match(diff, /^add element ip kube-proxy no-endpoint-services \{ 10\.96\.0\.1 \. tcp \. 80 comment "ns\/a" : goto reject-chain \}$/m);
});
