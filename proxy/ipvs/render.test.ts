import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVirtualServers, renderIpvsTable } from './render.js';
import { buildProxyState } from '../from-api.js';
import { makeService, makeSlice, nginxState, overallState, testNodeIP } from '../testing/fixtures.js';
import { expectGolden, readGolden } from '../testing/golden.js';

const trimLines = (text: string) => text.split('\n').map((l) => l.trimEnd()).join('\n');

test('upstream README listing (kubernetes + kube-dns), modulo trailing spaces', () => {
  const state = buildProxyState(
    [
      makeService('default', 'kubernetes', { clusterIP: '10.0.0.1', sessionAffinity: 'ClientIP', ports: [{ name: 'https', port: 443 }] }),
      makeService('kube-system', 'kube-dns', { clusterIP: '10.0.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }),
    ],
    [
      makeSlice('default', 'kubernetes', 'kubernetes', [{ ip: '192.168.0.1' }], [{ name: 'https', port: 6443 }]),
      makeSlice('kube-system', 'kube-dns', 'kube-dns-1', [{ ip: '172.17.0.2' }], [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53 }]),
    ],
    { ipFamily: 4, nodeName: 'node1' },
  );
  const out = renderIpvsTable(state, { nodeIPs: [], connections: new Map([['10.0.0.1:443/TCP -> 192.168.0.1:6443', { active: 1, inactive: 0 }]]) });
  // The README (markdown) lost ipvsadm's trailing column padding; compare without it.
  assert.equal(trimLines(out), readGolden('upstream-ipvsadm-readme'));
});

test('fact 25: UDP cluster IP line and real server columns, with ipvsadm padding', () => {
  const state = buildProxyState(
    [makeService('kube-system', 'kube-dns', { clusterIP: '10.0.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })],
    [makeSlice('kube-system', 'kube-dns', 'a', [{ ip: '172.17.0.2' }], [{ name: 'dns', port: 53, protocol: 'UDP' }])],
    { ipFamily: 4, nodeName: 'node1' },
  );
  const lines = renderIpvsTable(state, { nodeIPs: [] }).split('\n');
  assert.equal(lines[3], 'UDP  10.0.0.10:53 rr');
  assert.equal(lines[4], '  -> 172.17.0.2:53                Masq    1      0          0         ');
});

test('walkthrough nginx NodePort: cluster IP plus one virtual server per node IP', () => {
  const state = buildProxyState(
    [makeService('default', 'nginx', { type: 'NodePort', clusterIP: '10.96.0.100', ports: [{ port: 80, nodePort: 30080 }] })],
    [makeSlice('default', 'nginx', 'a', ['10.244.0.12', '10.244.0.10', '10.244.0.9'].map((ip) => ({ ip })), [{ name: '', port: 80 }])],
    { ipFamily: 4, nodeName: 'node1' },
  );
  const out = renderIpvsTable(state, { nodeIPs: ['192.168.56.10', '10.0.2.15'], scheduler: 'lc' });
  expectGolden('ipvsadm-nginx-nodeport', out);
  const services = out.split('\n').filter((l) => /^(TCP|UDP|SCTP) /.test(l));
  assert.deepEqual(services, ['TCP  10.0.2.15:30080 lc', 'TCP  10.96.0.100:80 lc', 'TCP  192.168.56.10:30080 lc']);
  const firstReal = out.split('\n').filter((l) => l.startsWith('  -> 10.'))[0];
  assert.match(firstReal!, /^ {2}-> 10\.244\.0\.9:80 /, 'real servers sorted numerically, not as strings');
});

test('overall fixture: eTP=Local external addresses have no real servers without local endpoints', () => {
  const vss = buildVirtualServers(overallState(), { nodeIPs: [testNodeIP] });
  const find = (addr: string, port: number) => vss.find((v) => v.address === addr && v.port === port)!;
  assert.equal(find('172.30.0.42', 80).realServers.length, 1, 'cluster IP uses cluster endpoints');
  assert.equal(find('1.2.3.4', 80).realServers.length, 0);
  assert.equal(find(testNodeIP, 3001).realServers.length, 0);
  assert.equal(find('192.168.99.33', 80).realServers.length, 2);
  assert.equal(find('5.6.7.8', 80).persistentSeconds, 10800);
  assert.equal(find('172.30.0.46', 80).realServers.length, 0, 'a service without endpoints still has its virtual server');
});

test('the nginx walkthrough table lists five Masq real servers of weight 1', () => {
  const out = renderIpvsTable(nginxState(), { nodeIPs: [] });
  assert.equal(out.split('\n').filter((l) => / Masq {4}1 {6}0 {10}0 {9}$/.test(l)).length, 5);
});
