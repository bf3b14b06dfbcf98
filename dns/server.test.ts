/**
 * The real `dig` against the server on 127.0.0.1 (random port), fed a static index: the testable
 * facts of shared/reference/dns.md that depend on the wire — UDP and TCP, PTR via -x, NXDOMAIN vs
 * NODATA with SOA, case echo, truncation sizes, EDNS echo, error rcodes — plus the HTTP endpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../common/log.js';
import { startDnsServer, type RunningDns } from './index.js';
import { buildIndex, coreDnsServices, coreDnsSlices, slice, svc } from './testing/fixture.js';
import { dig, skipWithoutDig } from './testing/dig.js';

if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

function bigHeadless(name: string, count: number) {
  const slices = [];
  for (let s = 0; s * 100 < count; s++) {
    const eps = [];
    for (let i = s * 100; i < Math.min(count, (s + 1) * 100); i++) eps.push({ addresses: [`10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`] });
    slices.push(slice('default', `${name}-${s}`, name, eps));
  }
  return slices;
}

async function start(): Promise<RunningDns> {
  const services = [
    ...coreDnsServices,
    svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
    svc('default', 'headless', { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    svc('default', 'headless30', { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    svc('default', 'web', { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
  ];
  const slices = [...coreDnsSlices, ...bigHeadless('headless', 1000), ...bigHeadless('headless30', 30), slice('default', 'web-1', 'web', [{ addresses: ['10.244.9.7'], hostname: 'web-0' }])];
  const index = buildIndex(services, slices, ['testns']);
  return startDnsServer({ index, listen: '127.0.0.1:0', upstreams: [], ttl: 30, healthListen: '127.0.0.1:0', readyListen: '127.0.0.1:0', metricsListen: '127.0.0.1:0' });
}

const SOA30 = /^cluster\.local\. 30 IN SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30$/;

test('dig against svcnet dns', { skip: skipWithoutDig, timeout: 120_000 }, async (t) => {
  const dns = await start();
  t.after(() => dns.close());
  const p = dns.udpPort;
  assert.equal(dns.tcpPort, p, 'UDP and TCP share the port');

  await t.test('A for a ClusterIP service, over UDP and TCP', async () => {
    for (const transport of ['+notcp', '+tcp']) {
      const r = await dig(p, transport, 'kubernetes.default.svc.cluster.local', 'A');
      assert.equal(r.status, 'NOERROR');
      assert.deepEqual(r.answer, ['kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1']);
      assert.deepEqual(r.flags, ['qr', 'aa', 'rd'], 'authoritative, RD echoed, no RA');
    }
  });

  await t.test('SRV with glue', async () => {
    const r = await dig(p, '_https._tcp.kubernetes.default.svc.cluster.local', 'SRV');
    assert.deepEqual(r.answer, ['_https._tcp.kubernetes.default.svc.cluster.local. 30 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.']);
    assert.deepEqual(r.additional, ['kubernetes.default.svc.cluster.local. 30 IN A 10.96.0.1']);
  });

  await t.test('PTR with -x for a service and a headless endpoint', async () => {
    assert.deepEqual((await dig(p, '-x', '10.96.0.1')).answer, ['1.0.96.10.in-addr.arpa. 30 IN PTR kubernetes.default.svc.cluster.local.']);
    assert.deepEqual((await dig(p, '-x', '10.244.9.7')).answer, ['7.9.244.10.in-addr.arpa. 30 IN PTR web-0.web.default.svc.cluster.local.']);
  });

  await t.test('headless: one A per ready endpoint and hostname records', async () => {
    assert.deepEqual((await dig(p, 'hdls1.testns.svc.cluster.local', 'A')).answer, ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5'].map((ip) => `hdls1.testns.svc.cluster.local. 30 IN A ${ip}`));
    assert.deepEqual((await dig(p, 'web-0.web.default.svc.cluster.local', 'A')).answer, ['web-0.web.default.svc.cluster.local. 30 IN A 10.244.9.7']);
  });

  await t.test('ExternalName as CNAME (dig +short, e2e test 8)', async () => {
    const r = await dig(p, 'external.testns.svc.cluster.local', 'CNAME');
    assert.deepEqual(r.answer, ['external.testns.svc.cluster.local. 30 IN CNAME ext.interwebs.test.']);
  });

  await t.test('NXDOMAIN vs NODATA, both with the SOA', async () => {
    const nx = await dig(p, 'nope.default.svc.cluster.local', 'A');
    assert.equal(nx.status, 'NXDOMAIN');
    assert.equal(nx.authority.length, 1);
    assert.match(nx.authority[0]!, SOA30);
    const nodata = await dig(p, '+tcp', 'kubernetes.default.svc.cluster.local', 'AAAA');
    assert.equal(nodata.status, 'NOERROR');
    assert.deepEqual(nodata.answer, []);
    assert.match(nodata.authority[0]!, SOA30);
  });

  await t.test('dns-version TXT', async () => {
    assert.deepEqual((await dig(p, 'dns-version.cluster.local', 'TXT')).answer, ['dns-version.cluster.local. 30 IN TXT "1.1.0"']);
  });

  await t.test('case-insensitive, question case echoed in owners and SRV targets', async () => {
    const r = await dig(p, 'SvC1.TeStNs.SvC.cLuStEr.LoCaL', 'A');
    assert.deepEqual(r.answer, ['SvC1.TeStNs.SvC.cLuStEr.LoCaL. 30 IN A 10.0.0.1']);
    const srv = await dig(p, '_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL', 'SRV');
    assert.deepEqual(srv.answer, ['_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL. 30 IN SRV 0 100 80 svc1.testns.svc.cLuStEr.LoCaL.']);
    assert.deepEqual(srv.additional.filter((l) => !l.startsWith(';')), ['svc1.testns.svc.cLuStEr.LoCaL. 30 IN A 10.0.0.1']);
  });

  await t.test('truncation: 30 endpoints, no EDNS → 28 + TC; EDNS 1232 → all 30 (K19)', async () => {
    const udp = await dig(p, '+noedns', '+ignore', 'headless30.default.svc.cluster.local', 'A');
    assert.equal(udp.answer.length, 28);
    assert.ok(udp.flags.includes('tc'));
    assert.ok(udp.msgSize <= 512);
    const edns = await dig(p, '+bufsize=1232', '+ignore', 'headless30.default.svc.cluster.local', 'A');
    assert.equal(edns.answer.length, 30);
    assert.ok(!edns.flags.includes('tc'));
  });

  await t.test('1,000-endpoint headless service: truncated over UDP, complete over TCP', async () => {
    const q = 'headless.default.svc.cluster.local';
    const plain = await dig(p, '+noedns', '+ignore', q, 'A');
    assert.equal(plain.answer.length, 28);
    assert.ok(plain.flags.includes('tc'));
    const e1232 = await dig(p, '+bufsize=1232', '+ignore', q, 'A');
    assert.equal(e1232.answer.length, 73);
    assert.ok(e1232.msgSize <= 1232);
    const e4096 = await dig(p, '+bufsize=4096', '+ignore', q, 'A');
    assert.equal(e4096.answer.length, 252);
    const tcp = await dig(p, '+tcp', q, 'A');
    assert.equal(tcp.answer.length, 1000);
    assert.ok(!tcp.flags.includes('tc'));
    assert.equal(new Set(tcp.answer).size, 1000);
    const retried = await dig(p, '+noedns', q, 'A');
    assert.equal(retried.answer.length, 1000, 'dig retries over TCP after TC');
  });

  await t.test('EDNS: buffer size and DO echoed, version 1 → BADVERS', async () => {
    const r = await dig(p, '+bufsize=1232', '+dnssec', 'kubernetes.default.svc.cluster.local', 'A');
    assert.match(r.edns, /version: 0, flags: do; udp: 1232/);
    const none = await dig(p, '+noedns', 'kubernetes.default.svc.cluster.local', 'A');
    assert.equal(none.edns, '', 'no OPT in, no OPT out');
    const bad = await dig(p, '+edns=1', '+noednsneg', 'kubernetes.default.svc.cluster.local', 'A');
    assert.equal(bad.status, 'BADVERS');
  });

  await t.test('CH class and AXFR are refused', async () => {
    assert.equal((await dig(p, 'kubernetes.default.svc.cluster.local', 'CH', 'TXT')).status, 'REFUSED');
    assert.match(await (await import('./testing/dig.js')).digRaw(p, ['cluster.local', 'AXFR']), /Transfer failed|REFUSED/);
  });

  await t.test('no upstreams configured: outside names are SERVFAIL', async () => {
    const r = await dig(p, 'example.com', 'A');
    assert.equal(r.status, 'SERVFAIL');
  });

  await t.test('metrics count queries with CoreDNS names', async () => {
    const res = await fetch(`http://127.0.0.1:${dns.httpPorts.metrics}/metrics`);
    const text = await res.text();
    assert.match(text, /coredns_dns_requests_total\{server="dns:\/\/127\.0\.0\.1:0",zone="\.",proto="udp",family="1",type="A"\} \d+/);
    assert.match(text, /coredns_dns_requests_total\{[^}]*proto="tcp"[^}]*type="A"\} \d+/);
    assert.match(text, /coredns_dns_responses_total\{server="[^"]+",zone="\.",rcode="NXDOMAIN"\} \d+/);
    assert.match(text, /coredns_dns_request_duration_seconds_bucket\{server="[^"]+",zone="\.",type="SRV",le="0.00025"\} \d+/);
    assert.match(text, /coredns_dns_responses_total\{[^}]*rcode="SERVFAIL"\} 1\n/);
  });

  await t.test('health and ready', async () => {
    const h = await fetch(`http://127.0.0.1:${dns.httpPorts.health}/health`);
    assert.equal(h.status, 200);
    assert.equal(await h.text(), 'OK');
    const r = await fetch(`http://127.0.0.1:${dns.httpPorts.ready}/ready`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'OK');
  });
});
