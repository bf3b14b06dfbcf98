import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderNftablesRules } from './render.js';
import type { NftablesRenderConfig } from './config.js';
import { NftRuleset } from './ruleset.js';
import { expectGolden, lineDiff, readGolden } from '../testing/golden.js';
import { makeService, makeSlice, nginxState, overallState, testClusterCIDR, testNodeIP, testNodeName } from '../testing/fixtures.js';
import { buildProxyState } from '../from-api.js';

const upstreamConfig: NftablesRenderConfig = { nodeIPs: [testNodeIP], clusterCIDR: testClusterCIDR, markFormat: 'short', serviceCIDRs: ['172.30.0.0/16'] };

function applied(text: string): NftRuleset {
  const ruleset = new NftRuleset();
  ruleset.apply(text);
  return ruleset;
}

test('TestOverallNFTablesRules (v1.32 layout): same table contents as upstream expects', () => {
  const out = renderNftablesRules(overallState(), upstreamConfig);
  const got = applied(out).dump();
  const want = applied(readGolden('upstream-nftables-overall')).dump();
  assert.equal(got, want, lineDiff(want, got));
});

test('the transaction applies on top of a previous one (flushes make it idempotent)', () => {
  const ruleset = new NftRuleset();
  const out = renderNftablesRules(overallState(), upstreamConfig);
  ruleset.apply(out);
  const first = ruleset.dump();
  ruleset.apply(out);
  assert.equal(ruleset.dump(), first);
  ruleset.apply(renderNftablesRules(nginxState(), upstreamConfig));
  assert.ok(!ruleset.dump().includes('add element ip kube-proxy service-ips { 172.30.0.41'), 'maps were flushed and refilled');
});

test('full transaction text golden for the walkthrough nginx service', () => {
  const out = renderNftablesRules(nginxState(), { nodeIPs: ['192.168.56.10'], clusterCIDR: '10.244.0.0/16', serviceCIDRs: ['10.96.0.0/12'] });
  expectGolden('nftables-nginx-walkthrough', out);
  assert.match(out, /numgen random mod 5 vmap \{ 0 : goto endpoint-\w{8}-default\/nginx\/tcp\/__10\.244\.0\.10\/80 , 1 : .* , 4 : goto endpoint-\w{8}-default\/nginx\/tcp\/__10\.244\.0\.14\/80 \}/);
  assert.ok(out.includes('add rule ip kube-proxy mark-for-masquerade mark set mark or 0x00004000\n'));
});

test('reference facts 20-23 appear verbatim', () => {
  const out = renderNftablesRules(overallState(), upstreamConfig).split('\n');
  for (const line of [
    'add chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80',
    'add chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
    'add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }',
    'add rule ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80 numgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 , 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }',
    'add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }',
    'add element ip kube-proxy cluster-ips { 172.30.0.46 }',
    'add set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }',
    'add element ip kube-proxy firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-HVFWP5L3-ns5/svc5/tcp/p80 }',
    'add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment "ns2/svc2:p80" : drop }',
  ]) {
    assert.ok(out.includes(line), line);
  }
  assert.ok(!out.some((l) => l.includes('svc6') && l.startsWith('add chain')), 'no chains for a service without endpoints');
});

test('NodePort addresses: primary IP by default, "all" uses fib and deletes nodeport-ips', () => {
  const primary = renderNftablesRules(nginxState(), { nodeIPs: ['192.168.0.2', '192.168.1.2'] });
  assert.ok(primary.includes('add element ip kube-proxy nodeport-ips { 192.168.0.2 }\n'));
  assert.ok(!primary.includes('nodeport-ips { 192.168.1.2 }'));
  const all = renderNftablesRules(nginxState(), { nodeIPs: ['192.168.0.2'], nodePortAddresses: 'all' });
  assert.ok(all.includes('add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }\ndelete set ip kube-proxy nodeport-ips\n'));
  assert.ok(all.includes('add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n'));
  assert.ok(all.includes('add rule ip kube-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports\n'));
  applied(all);
});

test('first sync re-creates base chains; no service CIDRs means no drop rule', () => {
  const out = renderNftablesRules(nginxState(), { nodeIPs: [testNodeIP], firstSync: true });
  assert.ok(out.includes('add chain ip kube-proxy nat-prerouting\ndelete chain ip kube-proxy nat-prerouting\n'));
  assert.ok(!out.includes('Drop traffic to unallocated ClusterIPs'));
});

test('stale service chains are flushed (deleted later), stale affinity sets deleted now', () => {
  const out = renderNftablesRules(nginxState(), {
    nodeIPs: [testNodeIP],
    existingChains: ['services', 'service-ULMVA6XW-ns1/svc1/tcp/p80', 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80'],
    existingSets: ['cluster-ips', 'affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80'],
  });
  const tail = out.trimEnd().split('\n').slice(-3);
  assert.deepEqual(tail, [
    'flush chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
    'flush chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80',
    'delete set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80',
  ]);
});

test('eTP=Local with a local endpoint: external chain ends in the local chain', () => {
  const state = buildProxyState(
    [makeService('ns2', 'svc2', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.42', ports: [{ name: 'p80', port: 80, nodePort: 3001 }] }, ['1.2.3.4'])],
    [makeSlice('ns2', 'svc2', 'a', [{ ip: '10.180.0.2', nodeName: testNodeName }], [{ name: 'p80', port: 80 }])],
    { ipFamily: 4, nodeName: testNodeName },
  );
  const ruleset = applied(renderNftablesRules(state, upstreamConfig));
  assert.deepEqual(ruleset.chain('external-42NFTM6N-ns2/svc2/tcp/p80').rules.at(-1), 'goto local-42NFTM6N-ns2/svc2/tcp/p80');
  assert.deepEqual(ruleset.chain('local-42NFTM6N-ns2/svc2/tcp/p80').rules, ['numgen random mod 1 vmap { 0 : goto endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 }']);
  assert.equal(ruleset.set('no-endpoint-services').elements.size, 0);
});

test('IPv6 uses ip6 matches, ipv6_addr sets and bracketed DNAT targets', () => {
  const state = buildProxyState(
    [makeService('ns1', 'svc1', { clusterIP: 'fd00:172:30::41', ports: [{ name: 'p80', port: 80 }] })],
    [{ ...makeSlice('ns1', 'svc1', 'a', [{ ip: 'fd00:10:180::1' }], [{ name: 'p80', port: 80 }]), addressType: 'IPv6' }],
    { ipFamily: 6, nodeName: testNodeName },
  );
  const out = renderNftablesRules(state, { nodeIPs: ['fd00::2'], clusterCIDR: 'fd00:10::/64' });
  assert.ok(out.includes('add rule ip6 kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip6 daddr fd00:172:30::41 tcp dport 80 ip6 saddr != fd00:10::/64 jump mark-for-masquerade\n'));
  assert.ok(out.includes('add rule ip6 kube-proxy endpoint-ZVRFLKHO-ns1/svc1/tcp/p80__fd00.10.180..1/80 meta l4proto tcp dnat to [fd00:10:180::1]:80\n'));
  const ruleset = new NftRuleset('ip6');
  ruleset.apply(out);
});
