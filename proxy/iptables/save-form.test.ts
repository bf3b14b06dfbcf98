import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelProbability, toSaveForm } from './save-form.js';
import { renderIptablesRules } from './render.js';
import { parseRestoreText } from './restore-text.js';
import { buildProxyState } from '../from-api.js';
import { makeService, makeSlice, nginxState } from '../testing/fixtures.js';
import { readGolden } from '../testing/golden.js';

test('reference §1.9: default/kubernetes rules as iptables-save lists them (fact 24)', () => {
  const state = buildProxyState(
    [makeService('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] })],
    [makeSlice('default', 'kubernetes', 'kubernetes', [{ ip: '192.168.20.100' }], [{ name: 'https', port: 6443 }])],
    { ipFamily: 4, nodeName: 'node1' },
  );
  const nat = parseRestoreText(renderIptablesRules(state, { nodeIPs: ['192.168.20.100'], clusterCIDR: '10.244.0.0/16' })).tables.find((t) => t.name === 'nat')!;
  const saved = new Set(nat.rules.map((r) => toSaveForm(r.line)));
  for (const line of readGolden('upstream-iptables-save-kubernetes').trimEnd().split('\n')) assert.ok(saved.has(line), `missing: ${line}\nhave:\n${[...saved].join('\n')}`);
});

test('REJECT gains its default, localnet firewall moves -s before -d', () => {
  assert.equal(
    toSaveForm('-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT'),
    '-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable',
  );
  assert.equal(
    toSaveForm('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'),
    '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
  );
});

test('affinity and probability rules as the kernel reports them', () => {
  assert.equal(kernelProbability(0.2), '0.20000000019');
  assert.equal(kernelProbability(0.3333333333), '0.33333333349');
  assert.equal(kernelProbability(0.5), '0.50000000000');
  assert.equal(
    toSaveForm('-A KUBE-SVC-X -m comment --comment "ns/s -> 10.0.0.1:80" -m recent --name KUBE-SEP-Y --rcheck --seconds 10800 --reap -j KUBE-SEP-Y'),
    '-A KUBE-SVC-X -m comment --comment "ns/s -> 10.0.0.1:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-Y --mask 255.255.255.255 --rsource -j KUBE-SEP-Y',
  );
  assert.equal(
    toSaveForm('-A KUBE-SEP-Y -m comment --comment ns/s -m recent --name KUBE-SEP-Y --set -m tcp -p tcp -j DNAT --to-destination 10.0.0.1:80'),
    '-A KUBE-SEP-Y -p tcp -m comment --comment "ns/s" -m recent --set --name KUBE-SEP-Y --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.0.0.1:80',
  );
});

test('walkthrough §4.2: `iptables-save | grep "default/nginx cluster IP"` shows the two rules', () => {
  const nat = parseRestoreText(renderIptablesRules(nginxState(), { nodeIPs: ['192.168.56.10'], clusterCIDR: '10.244.0.0/16' })).tables.find((t) => t.name === 'nat')!;
  const grep = nat.rules.map((r) => toSaveForm(r.line)).filter((l) => l.includes('default/nginx cluster IP'));
  assert.deepEqual(grep, [
    '-A KUBE-SERVICES -d 10.96.0.100/32 -p tcp -m comment --comment "default/nginx cluster IP" -m tcp --dport 80 -j KUBE-SVC-2CMXP7HKUVJN7L6M',
    '-A KUBE-SVC-2CMXP7HKUVJN7L6M ! -s 10.244.0.0/16 -d 10.96.0.100/32 -p tcp -m comment --comment "default/nginx cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
  ]);
  const odds = nat.rules.filter((r) => r.chain === 'KUBE-SVC-2CMXP7HKUVJN7L6M').map((r) => /--probability (\S+)/.exec(toSaveForm(r.line))?.[1]).filter(Boolean);
  assert.deepEqual(odds, ['0.20000000019', '0.25000000000', '0.33333333349', '0.50000000000']);
});
