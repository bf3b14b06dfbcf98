/**
 * The testable facts of shared/reference/dns.md §8 (CoreDNS handler_test.go / reverse_test.go and a
 * kubeadm cluster), as tables of question → expected zone-file text, compared order-insensitively
 * the way CoreDNS's test.SortAndCheck does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRecordsConfig, type RecordsConfig } from './records.js';
import { Rcode } from './rr.js';
import { ask, buildIndex, coreDnsServices, coreDnsSlices, slice, svc } from './testing/fixture.js';

interface Case {
  q: string;
  t: string;
  rcode?: number;
  answer?: string[];
  additional?: string[];
  soa?: string;
}

const SOA5 = 'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5';
const coreDnsCfg: RecordsConfig = { ...defaultRecordsConfig, ttl: 5, dnsVersionTtl: 28800, pods: 'disabled', reverseFallthrough: false };

function run(cases: Case[], cfg: RecordsConfig, index: ReturnType<typeof buildIndex>) {
  for (const c of cases) {
    const got = ask(index, cfg, c.q, c.t as never);
    assert.notEqual(got, 'forward', `${c.q} ${c.t} was forwarded`);
    if (got === 'forward') continue;
    const where = `${c.q} ${c.t}`;
    assert.equal(got.rcode, c.rcode ?? Rcode.NOERROR, `${where}: rcode`);
    assert.deepEqual(got.answer, [...(c.answer ?? [])].sort(), `${where}: answer`);
    assert.deepEqual(got.additional, [...(c.additional ?? [])].sort(), `${where}: additional`);
    assert.deepEqual(got.authority, c.soa ? [c.soa] : [], `${where}: authority`);
  }
}

const NX = Rcode.NXDOMAIN;

test('CoreDNS handler_test fixture (T1-T36)', () => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  run(
    [
      { q: 'svc1.testns.svc.cluster.local.', t: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
      { q: 'svcempty.testns.svc.cluster.local.', t: 'A', answer: ['svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
      { q: 'svc1.testns.svc.cluster.local.', t: 'SRV', answer: ['svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.'], additional: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
      { q: '_http._tcp.svc1.testns.svc.cluster.local.', t: 'SRV', answer: ['_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.'], additional: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
      { q: 'svc6.testns.svc.cluster.local.', t: 'SRV', answer: ['svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local.'], additional: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'] },
      { q: 'svc6.testns.svc.cluster.local.', t: 'AAAA', answer: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'] },
      { q: 'svc1.testns.svc.cluster.local.', t: 'AAAA', soa: SOA5 },
      { q: 'svc0.testns.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'svc0.svc-nons.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'dns-version.cluster.local.', t: 'TXT', answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'] },
      { q: 'dns-version.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'svc1.testns.svc.cluster.local.', t: 'TXT', soa: SOA5 },
      { q: 'svc0.svc-nons.svc.cluster.local.', t: 'TXT', rcode: NX, soa: SOA5 },
      { q: 'bogusendpoint.hdls1.testns.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'bogusendpoint.svc0.testns.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'hdls1.testns.svc.cluster.local.', t: 'A', answer: ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5'].map((ip) => `hdls1.testns.svc.cluster.local. 5 IN A ${ip}`) },
      { q: 'hdls1.testns.svc.cluster.local.', t: 'AAAA', answer: ['5678:abcd::1', '5678:abcd::2'].map((ip) => `hdls1.testns.svc.cluster.local. 5 IN AAAA ${ip}`) },
      { q: 'hdlsprtls.testns.svc.cluster.local.', t: 'A', answer: ['hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20'] },
      { q: 'hdlsprtls.testns.svc.cluster.local.', t: 'SRV', soa: SOA5 },
      { q: '172-0-0-20.hdlsprtls.testns.svc.cluster.local.', t: 'A', answer: ['172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20'] },
      {
        q: '_http._tcp.hdls1.testns.svc.cluster.local.',
        t: 'SRV',
        answer: ['172-0-0-2', '172-0-0-3', '5678-abcd--1', '5678-abcd--2', 'dup-name'].map((h) => `_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 ${h}.hdls1.testns.svc.cluster.local.`),
        additional: [
          '172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2',
          '172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3',
          '5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1',
          '5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2',
          'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4',
          'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5',
        ],
      },
      { q: '5678-abcd--2.hdls1.testns.svc.cluster.local.', t: 'AAAA', answer: ['5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2'] },
      { q: '172-0-0-2.hdls1.testns.svc.cluster.local.', t: 'A', answer: ['172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2'] },
      { q: 'dup-name.hdls1.testns.svc.cluster.local.', t: 'A', answer: ['dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4', 'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5'] },
      { q: 'ep1a.svc1.testns.svc.cluster.local.', t: 'A', answer: ['ep1a.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1'] },
      { q: 'svc.cluster.local.', t: 'A', soa: SOA5 },
      { q: 'pod.cluster.local.', t: 'A', soa: SOA5 },
      { q: 'testns.svc.cluster.local.', t: 'A', soa: SOA5 },
      { q: 'svc.cluster.local.', t: 'NS', soa: SOA5 },
      { q: 'testns.svc.cluster.local.', t: 'NS', soa: SOA5 },
      { q: 'foo.cluster.local.', t: 'NS', rcode: NX, soa: SOA5 },
      { q: 'foo.svc.cluster.local.', t: 'NS', rcode: NX, soa: SOA5 },
      { q: 'svc-dual-stack.testns.svc.cluster.local.', t: 'A', answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3'] },
      { q: 'svc-dual-stack.testns.svc.cluster.local.', t: 'AAAA', answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3'] },
      { q: 'svc-dual-stack.testns.svc.cluster.local.', t: 'SRV', answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local.'], additional: ['svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3', 'svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3'] },
      { q: 'svc1.testns.svc.cluster.local.', t: 'SOA', soa: SOA5 },
      { q: 'external.testns.svc.cluster.local.', t: 'CNAME', answer: ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.'] },
      { q: 'external.testns.svc.cluster.local.', t: 'SRV', soa: SOA5 },
      { q: 'external-to-service.testns.svc.cluster.local.', t: 'A', answer: ['external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.', 'svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
      { q: 'endpoint.external.testns.svc.cluster.local.', t: 'CNAME', rcode: NX, soa: SOA5 },
      { q: 'subdomain.subdomain.external.testns.svc.cluster.local.', t: 'CNAME', rcode: NX, soa: SOA5 },
      { q: 'a.b.c.svc1.testns.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: '_nope._tcp.svc1.testns.svc.cluster.local.', t: 'SRV', rcode: NX, soa: SOA5 },
      { q: '_http._udp.svc1.testns.svc.cluster.local.', t: 'SRV', rcode: NX, soa: SOA5 },
      { q: 'http.tcp.svc1.testns.svc.cluster.local.', t: 'SRV', answer: ['http.tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.'], additional: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
      { q: 'SvC1.TeStNs.SvC.cLuStEr.LoCaL.', t: 'A', answer: ['SvC1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN A 10.0.0.1'] },
      { q: '_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.', t: 'SRV', answer: ['_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN SRV 0 100 80 svc1.testns.svc.cLuStEr.LoCaL.'], additional: ['svc1.testns.svc.cLuStEr.LoCaL. 5 IN A 10.0.0.1'] },
      { q: 'not-a-service.testns.svc.ClUsTeR.lOcAl.', t: 'A', rcode: NX, soa: 'ClUsTeR.lOcAl. 5 IN SOA ns.dns.ClUsTeR.lOcAl. hostmaster.ClUsTeR.lOcAl. <serial> 7200 1800 86400 5' },
      { q: 'cluster.local.', t: 'A', soa: SOA5 },
      { q: 'cluster.local.', t: 'HINFO' as never, soa: SOA5 },
      { q: 'cluster.local.', t: 'NS', answer: ['cluster.local. 5 IN NS ns.dns.cluster.local.'], additional: ['ns.dns.cluster.local. 5 IN A 127.0.0.1'] },
      { q: 'ns.dns.cluster.local.', t: 'A', answer: ['ns.dns.cluster.local. 5 IN A 127.0.0.1'] },
      { q: '10-240-0-1.podns.pod.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
    ].map((c) => (c.t === ('HINFO' as never) ? { ...c, t: 13 as never } : c)),
    coreDnsCfg,
    index,
  );
});

test('Cluster.local SOA keeps the query case (T37)', () => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  const got = ask(index, coreDnsCfg, 'Cluster.local.', 'SOA');
  assert.notEqual(got, 'forward');
  if (got !== 'forward') assert.deepEqual(got.answer, ['Cluster.local. 5 IN SOA ns.dns.Cluster.local. hostmaster.Cluster.local. <serial> 7200 1800 86400 5']);
});

test('an ExternalName outside the zone asks the server to chase the target (T31)', () => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  const got = ask(index, coreDnsCfg, 'external.testns.svc.cluster.local.', 'A');
  assert.notEqual(got, 'forward');
  if (got === 'forward') return;
  assert.deepEqual(got.answer, ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.']);
  assert.deepEqual(got.chase, { name: 'ext.interwebs.test', type: 1 });
});

test('not yet synced: NXDOMAIN becomes SERVFAIL, positive answers stay (T39)', () => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns'], false);
  const got = ask(index, coreDnsCfg, 'svc0.testns.svc.cluster.local.', 'A');
  assert.ok(got !== 'forward' && got.rcode === Rcode.SERVFAIL && got.authority.length === 1);
  const found = ask(index, coreDnsCfg, 'svc1.testns.svc.cluster.local.', 'A');
  assert.ok(found !== 'forward' && found.rcode === Rcode.NOERROR && found.answer.length === 1);
});

test('ignore empty_service (T40)', () => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  const cfg = { ...coreDnsCfg, ignoreEmptyService: true };
  run(
    [
      { q: 'svcempty.testns.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'svc1.testns.svc.cluster.local.', t: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'] },
      { q: 'external.testns.svc.cluster.local.', t: 'CNAME', answer: ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.'] },
    ],
    cfg,
    index,
  );
});

test('pods insecure (T42)', () => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns', 'podns']);
  const cfg = { ...coreDnsCfg, pods: 'insecure' as const };
  run(
    [
      { q: '10-240-0-1.podns.pod.cluster.local.', t: 'A', answer: ['10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1'] },
      { q: '172-0-0-2.podns.pod.cluster.local.', t: 'A', answer: ['172-0-0-2.podns.pod.cluster.local. 5 IN A 172.0.0.2'] },
      { q: '10-240-0-1.podns.pod.cluster.local.', t: 'AAAA', soa: SOA5 },
      { q: 'blah.podns.pod.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'blah.pod-nons.pod.cluster.local.', t: 'A', rcode: NX, soa: SOA5 },
      { q: 'podns.pod.cluster.local.', t: 'A', soa: SOA5 },
      { q: '1234-abcd--1.podns.pod.cluster.local.', t: 'AAAA', answer: ['1234-abcd--1.podns.pod.cluster.local. 5 IN AAAA 1234:abcd::1'] },
    ],
    cfg,
    index,
  );
});

test('reverse fixture (R1-R9)', () => {
  const services = [svc('testns', 'svc1', { clusterIP: '192.168.1.100', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }), svc('testns', 'svc2', { clusterIP: '192.168.1.101', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] })];
  const slices = [
    slice('testns', 'svc1-a', 'svc1', [{ addresses: ['10.0.0.100'], hostname: 'ep1a' }, { addresses: ['1234:abcd::1'], hostname: 'ep1b' }, { addresses: ['fd00:77:30::a'], hostname: 'ip6svc1ex' }, { addresses: ['fd00:77:30::2:9ba6'], hostname: 'ip6svc1in' }]),
    slice('testns', 'svc1-b', 'svc1', [{ addresses: ['10.0.0.100'], hostname: 'ep1a' }, { addresses: ['10.0.0.99'], hostname: 'double-ep' }]),
    slice('testns', 'svc2-a', 'svc2', [{ addresses: ['10.0.0.99'], hostname: 'double-ep' }]),
  ];
  const index = buildIndex(services, slices, ['testns']);
  const cfg = { ...coreDnsCfg, reverseZones: ['0.10.in-addr.arpa', '168.192.in-addr.arpa', 'ip6.arpa'] };
  run(
    [
      { q: '100.0.0.10.in-addr.arpa.', t: 'PTR', answer: ['100.0.0.10.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.cluster.local.'] },
      { q: '100.1.168.192.in-addr.arpa.', t: 'PTR', answer: ['100.1.168.192.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local.'] },
      { q: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.', t: 'PTR', answer: ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR ep1b.svc1.testns.svc.cluster.local.'] },
      { q: 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.', t: 'PTR', answer: ['a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 5 IN PTR ip6svc1ex.svc1.testns.svc.cluster.local.'] },
      { q: '6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.', t: 'PTR', answer: ['6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 5 IN PTR ip6svc1in.svc1.testns.svc.cluster.local.'] },
      { q: '99.0.0.10.in-addr.arpa.', t: 'PTR', answer: ['99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc1.testns.svc.cluster.local.', '99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc2.testns.svc.cluster.local.'] },
      { q: '101.0.0.10.in-addr.arpa.', t: 'PTR', rcode: NX, soa: '0.10.in-addr.arpa. 5 IN SOA ns.dns.0.10.in-addr.arpa. hostmaster.0.10.in-addr.arpa. <serial> 7200 1800 86400 5' },
      { q: 'example.org.cluster.local.', t: 'PTR', rcode: NX, soa: SOA5 },
      { q: '100.0.0.10.cluster.local.', t: 'PTR', rcode: NX, soa: SOA5 },
      { q: 'svc1.testns.svc.cluster.local.', t: 'PTR', soa: SOA5 },
      { q: 'svc1.testns.svc.0.10.in-addr.arpa.', t: 'A', rcode: NX, soa: '0.10.in-addr.arpa. 5 IN SOA ns.dns.0.10.in-addr.arpa. hostmaster.0.10.in-addr.arpa. <serial> 7200 1800 86400 5' },
    ],
    cfg,
    index,
  );
});

test('kubeadm profile (K1-K12, K18, K20): ttl 30, pods insecure, reverse fallthrough', () => {
  const services = [
    svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
    svc('kube-system', 'kube-dns', { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' }] }),
    svc('default', 'notready', { clusterIP: 'None' }),
    svc('default', 'publish', { clusterIP: 'None', publishNotReadyAddresses: true }),
  ];
  const slices = [slice('default', 'notready-1', 'notready', [{ addresses: ['10.244.0.7'], conditions: { ready: false } }], []), slice('default', 'publish-1', 'publish', [{ addresses: ['10.244.0.8'], conditions: { ready: false } }], [])];
  const index = buildIndex(services, slices);
  const cfg = defaultRecordsConfig;
  const SOA30 = 'cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 30';
  const kd = 'kube-dns.kube-system.svc.cluster.local.';
  run(
    [
      { q: 'kubernetes.default.svc.cluster.local.', t: 'A', answer: ['kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1'] },
      { q: '_https._tcp.kubernetes.default.svc.cluster.local.', t: 'SRV', answer: ['_https._tcp.kubernetes.default.svc.cluster.local. 30 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.'], additional: ['kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1'] },
      { q: '1.0.96.10.in-addr.arpa.', t: 'PTR', answer: ['1.0.96.10.in-addr.arpa. 30 IN PTR kubernetes.default.svc.cluster.local.'] },
      { q: '10.0.96.10.in-addr.arpa.', t: 'PTR', answer: [`10.0.96.10.in-addr.arpa. 30 IN PTR ${kd}`] },
      { q: '_dns._udp.kube-dns.kube-system.svc.cluster.local.', t: 'SRV', answer: [`_dns._udp.${kd} 30 IN SRV 0 100 53 ${kd}`], additional: [`${kd} 30 IN A 10.96.0.10`] },
      { q: '_metrics._tcp.kube-dns.kube-system.svc.cluster.local.', t: 'SRV', answer: [`_metrics._tcp.${kd} 30 IN SRV 0 100 9153 ${kd}`], additional: [`${kd} 30 IN A 10.96.0.10`] },
      { q: kd, t: 'SRV', answer: [`${kd} 30 IN SRV 0 33 53 ${kd}`, `${kd} 30 IN SRV 0 33 9153 ${kd}`], additional: [`${kd} 30 IN A 10.96.0.10`] },
      { q: 'nope.default.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: '10-244-1-5.default.pod.cluster.local.', t: 'A', answer: ['10-244-1-5.default.pod.cluster.local. 30 IN A 10.244.1.5'] },
      { q: '10-244-1-5.nonexistent-ns.pod.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: 'default.svc.cluster.local.', t: 'A', soa: SOA30 },
      { q: 'kube-system.pod.cluster.local.', t: 'A', soa: SOA30 },
      { q: 'dns-version.cluster.local.', t: 'TXT', answer: ['dns-version.cluster.local. 30 IN TXT "1.1.0"'] },
      { q: 'kubernetes.default.svc.cluster.local.', t: 'AAAA', soa: SOA30 },
      { q: 'kubernetes.default.default.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: 'kubernetes.default.svc.cluster.local.default.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: 'kubernetes.default.svc.cluster.local.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: 'kubernetes.default.svc.cluster.local.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: 'google.com.default.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: 'notready.default.svc.cluster.local.', t: 'A', rcode: NX, soa: SOA30 },
      { q: 'publish.default.svc.cluster.local.', t: 'A', answer: ['publish.default.svc.cluster.local. 30 IN A 10.244.0.8'] },
      { q: 'cluster.local.', t: 'NS', answer: [`cluster.local. 30 IN NS ${kd}`], additional: [`${kd} 30 IN A 10.96.0.10`] },
      { q: 'cluster.local.', t: 'SOA', answer: [SOA30] },
    ],
    cfg,
    index,
  );
  assert.equal(ask(index, cfg, 'google.com.', 'A'), 'forward');
  assert.equal(ask(index, cfg, '1.2.0.192.in-addr.arpa.', 'PTR'), 'forward', 'unknown PTR falls through to the upstreams');
  assert.equal(ask(index, cfg, '.', 'NS'), 'forward');
});

test('index follows updates and deletions', () => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  index.deleteService('testns', 'svc1');
  let got = ask(index, coreDnsCfg, 'svc1.testns.svc.cluster.local.', 'A');
  assert.ok(got !== 'forward' && got.rcode === NX);
  index.deleteSlice('testns', 'hdls1-abc');
  got = ask(index, coreDnsCfg, 'hdls1.testns.svc.cluster.local.', 'A');
  assert.ok(got !== 'forward' && got.rcode === NX, 'headless with no endpoints is NXDOMAIN');
  got = ask(index, coreDnsCfg, '2.0.0.172.in-addr.arpa.', 'PTR');
  assert.ok(got !== 'forward' && got.rcode === NX);
});
