import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderIptablesRules } from './render.js';
import { hostProfile, iptablesRestoreCommand, probability, upstreamTestProfile, type IptablesRenderConfig } from './config.js';
import { normalizeRestoreText, parseRestoreText } from './restore-text.js';
import { expectGolden, readGolden } from '../testing/golden.js';
import { lintIptablesRestore } from '../testing/iptables-lint.js';
import { makeService, makeSlice, nginxState, overallState, testClusterCIDR, testNodeIP, testNodeName, twoServicesState } from '../testing/fixtures.js';
import { buildProxyState, type EndpointSliceJson, type ServiceJson } from '../from-api.js';
import { hash16 } from '../hash.js';
import { traceIptables } from '../testing/packet-tracer.js';

const upstreamConfig: IptablesRenderConfig = { nodeIPs: [testNodeIP], clusterCIDR: testClusterCIDR, profile: upstreamTestProfile };

function render(services: ServiceJson[], slices: EndpointSliceJson[], config: Partial<IptablesRenderConfig> = {}): string {
  const state = buildProxyState(services, slices, { ipFamily: 4, nodeName: testNodeName });
  return renderIptablesRules(state, { ...upstreamConfig, ...config });
}

function linesOf(text: string, chain: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`-A ${chain} `) || l === `-A ${chain}`);
}

test('TestOverallIPTablesRules golden (reference §2.3) matches byte for byte', () => {
  const out = renderIptablesRules(overallState(), upstreamConfig);
  expectGolden('upstream-iptables-overall', out);
  assert.deepEqual(lintIptablesRestore(out), []);
});

test('TestSyncProxyRulesRepeated first sync golden (reference §2.2; predates nfacct)', () => {
  const out = renderIptablesRules(twoServicesState(), { ...upstreamConfig, profile: { ...upstreamTestProfile, nfacct: false } });
  expectGolden('upstream-iptables-two-services', out);
});

test('a real host profile writes what §2.5 constructs from the code, modulo order', () => {
  const state = buildProxyState(
    [makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] })],
    [makeSlice('ns1', 'svc1', 'a', [{ ip: '10.180.0.1' }], [{ name: 'p80', port: 80 }])],
    { ipFamily: 4, nodeName: testNodeName },
  );
  const out = renderIptablesRules(state, { nodeIPs: [testNodeIP], clusterCIDR: testClusterCIDR, profile: { ...hostProfile, nfacct: true } });
  assert.equal(out, normalizeRestoreText(readGolden('upstream-iptables-host-single-clusterip')));
});

test('output is already in the canonical sorted order', () => {
  const out = renderIptablesRules(overallState(), { ...upstreamConfig, profile: hostProfile });
  assert.equal(normalizeRestoreText(out), out);
});

test('walkthrough §4: default/nginx with five endpoints', () => {
  const out = renderIptablesRules(nginxState(), { nodeIPs: ['192.168.56.10'], clusterCIDR: '10.244.0.0/16' });
  expectGolden('iptables-nginx-walkthrough', out);
  const svc = `KUBE-SVC-${hash16('default/nginxtcp')}`;
  const clusterIPRules = out.split('\n').filter((l) => l.includes('"default/nginx cluster IP"'));
  assert.deepEqual(clusterIPRules, [
    `-A KUBE-SERVICES -m comment --comment "default/nginx cluster IP" -m tcp -p tcp -d 10.96.0.100 --dport 80 -j ${svc}`,
    `-A ${svc} -m comment --comment "default/nginx cluster IP" -m tcp -p tcp -d 10.96.0.100 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ`,
  ]);
  const picks = linesOf(out, svc).slice(1);
  const odds = picks.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'none');
  assert.deepEqual(odds, ['0.2000000000', '0.2500000000', '0.3333333333', '0.5000000000', 'none']);
  const seps = picks.map((l) => l.split(' -j ')[1]);
  const expectedSeps = ['10', '11', '12', '13', '14'].map((n) => `KUBE-SEP-${hash16(`default/nginxtcp10.244.0.${n}:80`)}`);
  assert.deepEqual(seps, expectedSeps);
  for (const [i, sep] of expectedSeps.entries()) {
    assert.deepEqual(linesOf(out, sep!), [
      `-A ${sep} -m comment --comment default/nginx -s 10.244.0.1${i} -j KUBE-MARK-MASQ`,
      `-A ${sep} -m comment --comment default/nginx -m tcp -p tcp -j DNAT --to-destination 10.244.0.1${i}:80`,
    ]);
  }
});

test('probabilities use Go %0.10f formatting (fact 6)', () => {
  assert.equal(probability(2), '0.5000000000');
  assert.equal(probability(3), '0.3333333333');
  assert.equal(probability(6), '0.1666666667');
  assert.equal(probability(7), '0.1428571429');
  assert.equal(probability(100001), '0.0000099999');
});

test('three endpoints: 1/3, 1/2, then an unconditional rule', () => {
  const out = renderIptablesRules(nginxState(['10.244.0.1', '10.244.0.2', '10.244.0.3']), upstreamConfig);
  const svc = `KUBE-SVC-${hash16('default/nginxtcp')}`;
  const picks = linesOf(out, svc).slice(1);
  assert.match(picks[0]!, /--probability 0\.3333333333 -j/);
  assert.match(picks[1]!, /--probability 0\.5000000000 -j/);
  assert.doesNotMatch(picks[2]!, /statistic/);
});

test('endpoints are ordered by string, so 10.180.0.10 precedes 10.180.0.2 (fact 7)', () => {
  const out = render(
    [makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }] })],
    [makeSlice('ns1', 'svc1', 'a', [{ ip: '10.180.0.2' }, { ip: '10.180.0.10' }], [{ name: 'p80', port: 80 }])],
  );
  const picks = linesOf(out, 'KUBE-SVC-XPGD46QRK7WJZT7O').slice(1);
  assert.match(picks[0]!, /ns1\/svc1:p80 -> 10\.180\.0\.10:80/);
  assert.match(picks[1]!, /ns1\/svc1:p80 -> 10\.180\.0\.2:80/);
});

test('unnamed port: comment and chain use "default/webpod" (fact 4)', () => {
  const out = render(
    [makeService('default', 'webpod', { clusterIP: '10.96.0.20', ports: [{ port: 80, protocol: 'TCP' }] })],
    [makeSlice('default', 'webpod', 'a', [{ ip: '10.244.0.9' }], [{ name: '', port: 80 }])],
  );
  assert.ok(out.includes('-A KUBE-SERVICES -m comment --comment "default/webpod cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j KUBE-SVC-CNZCPOCNCNOROALA'));
});

test('masquerade mark and MASQUERADE on a real host (facts 14, 15)', () => {
  const out = renderIptablesRules(nginxState(), { nodeIPs: [testNodeIP], clusterCIDR: testClusterCIDR });
  assert.ok(out.includes('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n'));
  assert.ok(out.includes('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n'));
  assert.ok(out.includes('-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN\n'));
  const other = renderIptablesRules(nginxState(), { nodeIPs: [testNodeIP], masqueradeBit: 3, profile: upstreamTestProfile });
  assert.ok(other.includes('-A KUBE-MARK-MASQ -j MARK --or-mark 0x8\n'));
});

test('final KUBE-SERVICES rule per family and localhost setting (fact 17)', () => {
  const last = (text: string) => linesOf(text, 'KUBE-SERVICES').filter((l) => l.includes('must be the last')).join('\n');
  const base = '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"';
  assert.equal(last(renderIptablesRules(nginxState(), upstreamConfig)), `${base} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  const noLocalhost = renderIptablesRules(nginxState(), { ...upstreamConfig, localhostNodePorts: false });
  assert.equal(last(noLocalhost), `${base} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS`);
  assert.ok(!noLocalhost.includes('KUBE-FIREWALL'), 'no localnet firewall without localhost NodePorts');
  const v6 = renderIptablesRules({ ipFamily: 6, servicePorts: [] }, { nodeIPs: ['fd00::2'], profile: upstreamTestProfile });
  assert.equal(last(v6), `${base} -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS`);
  const explicit = renderIptablesRules(nginxState(), { ...upstreamConfig, nodePortAddresses: ['192.168.0.2', '127.0.0.1'] });
  assert.equal(last(explicit), `${base} -d 192.168.0.2 -j KUBE-NODEPORTS\n${base} -d 127.0.0.1 -j KUBE-NODEPORTS`);
  const lines = linesOf(renderIptablesRules(overallState(), upstreamConfig), 'KUBE-SERVICES');
  assert.match(lines.at(-1)!, /must be the last rule/);
});

test('stale per-service chains are flushed and deleted; foreign chains are not (fact 18)', () => {
  const out = renderIptablesRules(twoServicesState(), {
    ...upstreamConfig,
    existingNatChains: ['KUBE-SVC-XPGD46QRK7WJZT7O', 'KUBE-SVC-X27LE4BHSL4DOUIK', 'KUBE-SEP-BSWRHOQ77KEXZLNL', 'KUBE-KUBELET-CANARY', 'DOCKER'],
  });
  const nat = parseRestoreText(out).tables.find((t) => t.name === 'nat')!;
  assert.deepEqual(nat.deletedChains, ['KUBE-SEP-BSWRHOQ77KEXZLNL', 'KUBE-SVC-X27LE4BHSL4DOUIK']);
  assert.ok(nat.chains.includes('KUBE-SVC-X27LE4BHSL4DOUIK'));
  assert.ok(out.endsWith('-X KUBE-SEP-BSWRHOQ77KEXZLNL\n-X KUBE-SVC-X27LE4BHSL4DOUIK\nCOMMIT\n'));
});

test('more than 1000 endpoints drop the per-endpoint comments only (fact 19)', () => {
  const ips = Array.from({ length: 1001 }, (_, i) => `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const out = renderIptablesRules(nginxState(ips), upstreamConfig);
  const sep = `KUBE-SEP-${hash16('default/nginxtcp10.1.0.1:80')}`;
  assert.deepEqual(linesOf(out, sep), [`-A ${sep} -s 10.1.0.1 -j KUBE-MARK-MASQ`, `-A ${sep} -m tcp -p tcp -j DNAT --to-destination 10.1.0.1:80`]);
  assert.ok(out.includes('"default/nginx cluster IP"'));
  assert.ok(!out.includes('default/nginx -> '));
  assert.ok(out.includes('--probability 0.0009990010 '));
});

test('eTP=Local LoadBalancer with a local endpoint (reference §2.6)', () => {
  const out = render(
    [makeService('ns2', 'svc2', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.0.42', healthCheckNodePort: 30000, ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }] }, ['1.2.3.4'])],
    [makeSlice('ns2', 'svc2', 'a', [{ ip: '10.180.0.2', nodeName: testNodeName }], [{ name: 'p80', port: 80 }])],
  );
  const expected = [
    '-A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT',
    '-A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT',
    '-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT',
    '-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -j KUBE-SVL-GNZBNJ2PO5MGZ6GT',
    '-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ',
    '-A KUBE-SVL-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ',
  ];
  for (const line of expected) assert.ok(out.split('\n').includes(line), line);
  assert.ok(!out.includes('has no local endpoints'));
  assert.equal(linesOf(out, 'KUBE-SVL-GNZBNJ2PO5MGZ6GT').filter((l) => l.includes('KUBE-MARK-MASQ')).length, 0, 'SVL keeps client source IPs');
  assert.deepEqual(lintIptablesRestore(out), []);
});

test('internalTrafficPolicy=Local moves the cluster IP to the SVL chain; no local endpoint means DROP', () => {
  const svc = makeService('ns1', 'svc1', { clusterIP: '172.30.0.41', internalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80 }] });
  const local = render([svc], [makeSlice('ns1', 'svc1', 'a', [{ ip: '10.180.0.1', nodeName: testNodeName }, { ip: '10.180.0.9', nodeName: 'other' }], [{ name: 'p80', port: 80 }])]);
  assert.ok(local.includes('"ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVL-XPGD46QRK7WJZT7O'));
  assert.ok(local.includes('-A KUBE-SVL-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ'));
  assert.ok(!local.includes('KUBE-SVC-XPGD46QRK7WJZT7O'));
  assert.ok(!local.includes('10.180.0.9'));
  const remote = render([svc], [makeSlice('ns1', 'svc1', 'a', [{ ip: '10.180.0.9', nodeName: 'other' }], [{ name: 'p80', port: 80 }])]);
  assert.ok(remote.includes('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no local endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j DROP'));
});

test('masqueradeAll marks all cluster IP traffic; no cluster CIDR means no detector rules', () => {
  const state = overallState();
  const all = renderIptablesRules(state, { ...upstreamConfig, masqueradeAll: true });
  assert.ok(all.includes('-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-MARK-MASQ'));
  const noCidr = renderIptablesRules(state, { nodeIPs: [testNodeIP], profile: upstreamTestProfile });
  assert.ok(!noCidr.includes('10.0.0.0/8'));
  assert.ok(!noCidr.includes('pod traffic for'));
  assert.deepEqual(linesOf(noCidr, 'KUBE-SVC-XPGD46QRK7WJZT7O'), ['-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ']);
});

test('a source range containing the node IP also admits the LB IPs as sources', () => {
  const out = render(
    [makeService('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.41', loadBalancerSourceRanges: ['192.168.0.0/24', ' 203.0.113.0/25'], ports: [{ name: 'p80', port: 80, nodePort: 3001 }] }, ['1.2.3.4', '5.6.7.8'])],
    [makeSlice('ns1', 'svc1', 'a', [{ ip: '10.180.0.1' }], [{ name: 'p80', port: 80 }])],
  );
  assert.deepEqual(linesOf(out, 'KUBE-FW-XPGD46QRK7WJZT7O'), [
    '-A KUBE-FW-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 loadbalancer IP" -s 192.168.0.0/24 -j KUBE-EXT-XPGD46QRK7WJZT7O',
    '-A KUBE-FW-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-XPGD46QRK7WJZT7O',
    '-A KUBE-FW-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 loadbalancer IP" -s 1.2.3.4 -j KUBE-EXT-XPGD46QRK7WJZT7O',
    '-A KUBE-FW-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 loadbalancer IP" -s 5.6.7.8 -j KUBE-EXT-XPGD46QRK7WJZT7O',
    '-A KUBE-FW-XPGD46QRK7WJZT7O -m comment --comment "other traffic to ns1/svc1:p80 will be dropped by KUBE-PROXY-FIREWALL"',
  ]);
});

test('a service with no endpoints at all gets REJECT rules for every address and its NodePort', () => {
  const out = render(
    [makeService('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.41', externalIPs: ['192.168.99.11'], ports: [{ name: 'p80', port: 80, nodePort: 3001 }] }, ['1.2.3.4'])],
    [],
  );
  const filter = out.slice(0, out.indexOf('*nat'));
  assert.equal((filter.match(/has no endpoints/g) ?? []).length, 4);
  assert.ok(filter.includes('-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT'));
  assert.ok(!out.includes('XPGD46QRK7WJZT7O'), 'no nat chains for a service without endpoints');
});

test('UDP and SCTP use their own protocol match', () => {
  const out = render(
    [makeService('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })],
    [makeSlice('kube-system', 'kube-dns', 'a', [{ ip: '10.244.0.5' }], [{ name: 'dns', port: 53, protocol: 'UDP' }])],
  );
  assert.ok(out.includes('-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU'));
  assert.ok(out.includes('-A KUBE-SEP-LPGSDLJ3FDW46N4W -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 10.244.0.5:53'));
});

test('restore command line (fact 16)', () => {
  assert.equal(iptablesRestoreCommand(4).join(' '), 'iptables-restore -w 5 -W 100000 --noflush --counters');
  assert.equal(iptablesRestoreCommand(6).join(' '), 'ip6tables-restore -w 5 -W 100000 --noflush --counters');
});

// Upstream TestInternalTrafficPolicyE2E (an older test file: no nfacct), transcribed goldens.
test('internalTrafficPolicy goldens: Cluster, Local with and without a local endpoint', () => {
  const render3 = (policy: 'Cluster' | 'Local', hosts: string[]) => render(
    [makeService('ns1', 'svc1', { clusterIP: '172.30.1.1', internalTrafficPolicy: policy, ports: [{ name: '', port: 80, protocol: 'TCP' }] })],
    [makeSlice('ns1', 'svc1', 'svc1-1', hosts.map((nodeName, i) => ({ ip: `10.0.1.${i + 1}`, nodeName, ready: true })), [{ name: '', port: 80 }])],
    { profile: { ...upstreamTestProfile, nfacct: false } },
  );
  expectGolden('upstream-iptables-itp-cluster', render3('Cluster', [testNodeName, 'host1', 'host2']));
  expectGolden('upstream-iptables-itp-local', render3('Local', [testNodeName, 'host1', 'host2']));
  expectGolden('upstream-iptables-itp-local-no-local-endpoints', render3('Local', ['host0', 'host1', 'host2']));
});

// Upstream TestTerminatingEndpointsTrafficPolicyLocal (older file: no nfacct), transcribed goldens.
test('eTP=Local with terminating endpoints: ready ones win, serving+terminating is the fallback', () => {
  const svc = makeService('ns1', 'svc1', {
    type: 'LoadBalancer', externalTrafficPolicy: 'Local', clusterIP: '172.30.1.1', healthCheckNodePort: 30000,
    sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, ports: [{ name: '', port: 80, protocol: 'TCP' }],
  }, ['1.2.3.4']);
  const local = testNodeName;
  const slice = (eps: Array<{ ip: string; ready: boolean; serving: boolean; terminating: boolean; nodeName: string }>) =>
    makeSlice('ns1', 'svc1', 'svc1-1', eps, [{ name: '', port: 80 }]);
  const config = { profile: { ...upstreamTestProfile, nfacct: false } };
  expectGolden('upstream-iptables-terminating-local-ready', render([svc], [slice([
    { ip: '10.0.1.1', ready: true, serving: true, terminating: false, nodeName: local },
    { ip: '10.0.1.2', ready: true, serving: true, terminating: false, nodeName: local },
    { ip: '10.0.1.3', ready: false, serving: true, terminating: true, nodeName: local },
    { ip: '10.0.1.4', ready: false, serving: false, terminating: true, nodeName: local },
    { ip: '10.0.1.5', ready: true, serving: true, terminating: false, nodeName: 'host-1' },
  ])], config));
  expectGolden('upstream-iptables-terminating-local-only-terminating', render([svc], [slice([
    { ip: '10.0.1.2', ready: false, serving: true, terminating: true, nodeName: local },
    { ip: '10.0.1.3', ready: false, serving: true, terminating: true, nodeName: local },
    { ip: '10.0.1.4', ready: false, serving: false, terminating: true, nodeName: local },
    { ip: '10.0.1.5', ready: true, serving: true, terminating: false, nodeName: 'host-1' },
  ])], config));
});

test('IPv6 (ip6tables-restore input): bracketed DNAT targets, no localnet firewall, ::1 excluded', () => {
  const state = buildProxyState(
    [makeService('ns1', 'svc1', { type: 'NodePort', clusterIP: 'fd00:172:30::41', ports: [{ name: 'p80', port: 80, nodePort: 3001 }] })],
    [{ ...makeSlice('ns1', 'svc1', 'a', [{ ip: 'fd00:10:180::1' }], [{ name: 'p80', port: 80 }]), addressType: 'IPv6' }],
    { ipFamily: 6, nodeName: testNodeName },
  );
  const out = renderIptablesRules(state, { nodeIPs: ['fd00::2'], clusterCIDR: 'fd00:10::/64', profile: upstreamTestProfile });
  const sep = `KUBE-SEP-${hash16('ns1/svc1:p80tcp[fd00:10:180::1]:80')}`;
  assert.ok(out.includes(`-A ${sep} -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination [fd00:10:180::1]:80\n`));
  assert.ok(out.includes(`-A ${sep} -m comment --comment ns1/svc1:p80 -s fd00:10:180::1 -j KUBE-MARK-MASQ\n`));
  assert.ok(out.includes('-d fd00:172:30::41 --dport 80 ! -s fd00:10::/64 -j KUBE-MARK-MASQ\n'));
  assert.ok(!out.includes('KUBE-FIREWALL'));
  assert.ok(!out.includes('127.0.0.0/8'), 'no localhost NodePort rule for IPv6');
  assert.deepEqual(lintIptablesRestore(out), []);
  const traced = traceIptables(out, { src: 'fd00:10::5', dst: 'fd00:172:30::41', port: 80 }, ['fd00::2']);
  assert.deepEqual([traced.output, traced.masquerade], ['[fd00:10:180::1]:80', false]);
});
