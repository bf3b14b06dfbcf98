import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32, hash16, iptablesEndpointChain, iptablesServiceChain, nftEndpointChainBase, nftServiceChainBase } from './hash.js';

test('base32 follows RFC 4648 test vectors (without padding)', () => {
  const enc = (s: string) => base32(new TextEncoder().encode(s));
  assert.equal(enc('f'), 'MY');
  assert.equal(enc('fo'), 'MZXQ');
  assert.equal(enc('foobar'), 'MZXW6YTBOI');
});

// Reference §1.2 table and testable facts 1-5.
const serviceChains: Array<[string, string, string]> = [
  ['ns1/svc1:p80', 'tcp', 'KUBE-SVC-XPGD46QRK7WJZT7O'],
  ['ns2/svc2:p8080', 'tcp', 'KUBE-SVC-2VJB64SDSIJUP5T6'],
  ['ns2/svc2:p80', 'tcp', 'KUBE-SVC-GNZBNJ2PO5MGZ6GT'],
  ['ns3/svc3:p80', 'tcp', 'KUBE-SVC-X27LE4BHSL4DOUIK'],
  ['ns4/svc4:p80', 'tcp', 'KUBE-SVC-4SW47YFZTEDKD3PK'],
  ['ns5/svc5:p80', 'tcp', 'KUBE-SVC-NUKIZ6OKUXPJNT4C'],
  ['default/kubernetes:https', 'tcp', 'KUBE-SVC-NPX46M4PTMTKRN6Y'],
  ['kube-system/kube-dns:dns', 'udp', 'KUBE-SVC-TCOU7JCQXEZGVUNU'],
  ['kube-system/kube-dns:dns-tcp', 'tcp', 'KUBE-SVC-ERIFXISQEP7F7OF4'],
  ['kube-system/kube-dns:metrics', 'tcp', 'KUBE-SVC-JD5MR3NA4I4DYORP'],
  ['default/webpod', 'tcp', 'KUBE-SVC-CNZCPOCNCNOROALA'],
];

test('service chain names equal the reference hashes', () => {
  for (const [name, proto, expected] of serviceChains) assert.equal(iptablesServiceChain('clusterPolicy', name, proto), expected, name);
});

test('protocol is lower-cased before hashing', () => {
  assert.equal(iptablesServiceChain('clusterPolicy', 'kube-system/kube-dns:dns', 'UDP'), 'KUBE-SVC-TCOU7JCQXEZGVUNU');
});

test('SVL, EXT and FW share the SVC suffix', () => {
  assert.equal(iptablesServiceChain('localPolicy', 'ns5/svc5:p80', 'tcp'), 'KUBE-SVL-NUKIZ6OKUXPJNT4C');
  assert.equal(iptablesServiceChain('external', 'ns5/svc5:p80', 'tcp'), 'KUBE-EXT-NUKIZ6OKUXPJNT4C');
  assert.equal(iptablesServiceChain('firewall', 'ns5/svc5:p80', 'tcp'), 'KUBE-FW-NUKIZ6OKUXPJNT4C');
});

test('endpoint chain names equal the reference hashes', () => {
  const cases: Array<[string, string, string, string]> = [
    ['ns1/svc1:p80', 'tcp', '10.180.0.1:80', 'KUBE-SEP-SXIVWICOYRO3J4NJ'],
    ['ns1/svc1:p80', 'tcp', '10.0.1.1:80', 'KUBE-SEP-SNQ3ZNILQDEJNDQO'],
    ['ns2/svc2:p8080', 'tcp', '10.0.2.1:8080', 'KUBE-SEP-UHEGFW77JX3KXTOV'],
    ['default/kubernetes:https', 'tcp', '192.168.20.100:6443', 'KUBE-SEP-U7HH75UFG3U5VGYY'],
    ['kube-system/kube-dns:dns', 'udp', '10.244.0.5:53', 'KUBE-SEP-LPGSDLJ3FDW46N4W'],
  ];
  for (const [name, proto, ep, expected] of cases) assert.equal(iptablesEndpointChain(name, proto, ep), expected, `${name} ${ep}`);
});

test('chain names stay within the 28-character iptables limit', () => {
  assert.equal(hash16('x').length, 16);
  assert.ok(iptablesEndpointChain('a-very-long-namespace/a-very-long-name:port', 'sctp', '[fd00::1]:80').length <= 28);
});

test('nftables chain bases equal the reference hashes', () => {
  assert.equal(nftServiceChainBase('ns1', 'svc1', 'tcp', 'p80'), 'ULMVA6XW-ns1/svc1/tcp/p80');
  assert.equal(nftServiceChainBase('ns2', 'svc2', 'tcp', 'p80'), '42NFTM6N-ns2/svc2/tcp/p80');
  assert.equal(nftServiceChainBase('ns3', 'svc3', 'tcp', 'p80'), '4AT6LBPK-ns3/svc3/tcp/p80');
  assert.equal(nftServiceChainBase('ns4', 'svc4', 'tcp', 'p80'), 'LAUZTJTB-ns4/svc4/tcp/p80');
  assert.equal(nftServiceChainBase('ns5', 'svc5', 'tcp', 'p80'), 'HVFWP5L3-ns5/svc5/tcp/p80');
  assert.equal(nftServiceChainBase('kube-system', 'kube-dns', 'udp', 'dns'), 'FY5PMXPG-kube-system/kube-dns/udp/dns');
  assert.equal(nftServiceChainBase('default', 'kubernetes', 'tcp', 'https'), '2QRHZV4L-default/kubernetes/tcp/https');
  assert.equal(nftServiceChainBase('riset', 'hellopod-np-svc', 'tcp', ''), 'P6J77WGM-riset/hellopod-np-svc/tcp/');
  assert.equal(nftEndpointChainBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.1', 80), '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
  assert.equal(nftEndpointChainBase('ns5', 'svc5', 'tcp', 'p80', '10.180.0.3', 80), 'GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80');
});

test('nftables endpoint names replace IPv6 colons and truncate past 240 characters', () => {
  assert.match(nftEndpointChainBase('ns', 'svc', 'tcp', 'p', 'fd00:10::5', 80), /^[A-Z2-7]{8}-ns\/svc\/tcp\/p__fd00\.10\.\.5\/80$/);
  const long = nftServiceChainBase('n'.repeat(63), 's'.repeat(63), 'tcp', 'p'.repeat(200));
  assert.equal(long.length, 240);
  assert.ok(long.endsWith('...'));
});
