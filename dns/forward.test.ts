/**
 * Forwarding and caching against a small upstream this test starts on 127.0.0.1: answers come
 * through with the upstream's RA, the second query is served from the cache (the upstream is not
 * asked again), NXDOMAIN is cached for the SOA minimum, a TC reply is retried over TCP, an
 * ExternalName is chased upstream, and a dead upstream gives SERVFAIL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { setLogSink } from '../common/log.js';
import { AnswerCache } from './cache.js';
import { startDnsServer } from './index.js';
import { parseResolvConfNameservers, upstreamsFromResolvConf } from './resolv-conf.js';
import { Rcode, RRType, type Answer } from './rr.js';
import { dig, skipWithoutDig } from './testing/dig.js';
import { startFakeUpstream, soa } from './testing/fake-upstream.js';
import { buildIndex, coreDnsServices, coreDnsSlices } from './testing/fixture.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { query, UdpClient } from './testing/raw-client.js';
import { readMessage } from './wire-read.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

test('forwarding and caching through a loopback upstream', { skip: skipWithoutDig, timeout: 120_000 }, async (t) => {
  const up = await startFakeUpstream();
  t.after(() => up.close());
  up.set('example.test', RRType.A, { answer: [{ name: 'example.test', ttl: 300, type: 'A', address: '192.0.2.1' }] });
  up.set('ext.interwebs.test', RRType.A, { answer: [{ name: 'ext.interwebs.test', ttl: 600, type: 'A', address: '192.0.2.53' }] });
  up.set('big.test', RRType.TXT, { answer: Array.from({ length: 40 }, (_, i) => ({ name: 'big.test', ttl: 60, type: 'TXT' as const, texts: [`record number ${i} with some padding text`] })) });
  up.truncateOverUdp('big.test');
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  const dns = await startDnsServer({ index, listen: '127.0.0.1:0', upstreams: [`127.0.0.1:${up.port}`], healthListen: '', readyListen: '', metricsListen: '' });
  t.after(() => dns.close());
  const p = dns.udpPort;

  await t.test('an outside name is forwarded; the second query is a cache hit', async () => {
    const first = await dig(p, 'example.test', 'A');
    assert.equal(first.status, 'NOERROR');
    assert.deepEqual(first.answer, ['example.test. 30 IN A 192.0.2.1'], 'TTL capped at 30 (kubeadm cache 30)');
    assert.ok(first.flags.includes('ra') && !first.flags.includes('aa'));
    const second = await dig(p, 'EXAMPLE.test', 'A');
    assert.equal(second.answer.length, 1);
    assert.equal(up.asked.get(`example.test ${RRType.A}`), 1, 'the upstream was asked once');
    assert.equal(dns.metrics.cacheHits.get([dns.metrics.server, 'success', '.']), 1);
  });

  await t.test('NXDOMAIN is cached too (negative caching from the SOA)', async () => {
    const a = await dig(p, 'missing.test', 'A');
    assert.equal(a.status, 'NXDOMAIN');
    assert.equal(a.authority.length, 1);
    const b = await dig(p, 'missing.test', 'A');
    assert.equal(b.status, 'NXDOMAIN');
    assert.equal(up.asked.get(`missing.test ${RRType.A}`), 1);
    assert.equal(dns.metrics.cacheHits.get([dns.metrics.server, 'denial', '.']), 1);
  });

  await t.test('a truncated upstream reply is fetched again over TCP', async () => {
    const r = await dig(p, '+tcp', 'big.test', 'TXT');
    assert.equal(r.answer.length, 40);
    assert.equal(up.tcpAsked.get(`big.test ${RRType.TXT}`), 1);
  });

  await t.test('ExternalName: CNAME first, then the upstream A (T31)', async () => {
    const r = await dig(p, '+noall', '+answer', 'external.testns.svc.cluster.local', 'A');
    const lines = r.raw.trim().split('\n').map((l) => l.split(/\s+/).join(' '));
    assert.deepEqual(lines, ['external.testns.svc.cluster.local. 30 IN CNAME ext.interwebs.test.', 'ext.interwebs.test. 30 IN A 192.0.2.53']);
  });

  await t.test('ExternalName whose target the upstream does not know: the CNAME alone', async () => {
    index.setService({ namespace: 'testns', name: 'gone', kind: 'ExternalName', clusterIPs: [], ports: [], externalName: 'gone.example.test', publishNotReadyAddresses: false });
    const r = await dig(p, 'gone.testns.svc.cluster.local', 'A');
    assert.equal(r.status, 'NOERROR');
    assert.deepEqual(r.answer, ['gone.testns.svc.cluster.local. 30 IN CNAME gone.example.test.']);
  });

  await t.test('cluster names never reach the upstream (K15)', async () => {
    const r = await dig(p, 'google.com.default.svc.cluster.local', 'A');
    assert.equal(r.status, 'NXDOMAIN');
    assert.ok(![...up.asked.keys()].some((k) => k.includes('cluster.local')));
  });

  await t.test('forward metrics', async () => {
    const text = dns.metrics.render();
    assert.match(text, new RegExp(`coredns_forward_requests_total\\{to="127.0.0.1:${up.port}"\\} [1-9]`));
    assert.match(text, /coredns_cache_misses_total\{server="[^"]+",zones="\."\} [1-9]/);
  });
});

test('no upstream answering → SERVFAIL', { skip: skipWithoutDig, timeout: 120_000 }, async (t) => {
  // A bound socket that never answers: the forwarder times out.
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  t.after(() => silent.close());
  const index = buildIndex([], []);
  const dns = await startDnsServer({ index, listen: '127.0.0.1:0', upstreams: [`127.0.0.1:${silent.address().port}`], forwardTimeoutMs: 300, healthListen: '', readyListen: '', metricsListen: '' });
  t.after(() => dns.close());
  const r = await dig(dns.udpPort, 'example.test', 'A');
  assert.equal(r.status, 'SERVFAIL');
});

test('a dead upstream stops being asked first; identical questions in flight share one exchange', { timeout: 120_000 }, async (t) => {
  const up = await startFakeUpstream();
  t.after(() => up.close());
  const silent = dgram.createSocket('udp4');
  let silentAsked = 0;
  silent.on('message', () => silentAsked++);
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  t.after(() => silent.close());
  for (let i = 0; i < 8; i++) up.set(`n${i}.test`, RRType.A, { answer: [{ name: `n${i}.test`, ttl: 60, type: 'A', address: `192.0.2.${i}` }] });
  up.set('burst.test', RRType.A, { answer: [{ name: 'burst.test', ttl: 60, type: 'A', address: '192.0.2.99' }] });
  const dns = await startDnsServer({ index: buildIndex([], []), listen: '127.0.0.1:0', upstreams: [`127.0.0.1:${silent.address().port}`, `127.0.0.1:${up.port}`], forwardTimeoutMs: 1000, healthListen: '', readyListen: '', metricsListen: '' });
  t.after(() => dns.close());
  const c = new UdpClient(dns.udpPort);
  t.after(() => c.close());
  for (let i = 0; i < 8; i++) {
    const r = readMessage((await c.exchange(query(`n${i}.test`, RRType.A), 5000))!);
    assert.equal(r.rcode, Rcode.NOERROR, `n${i}.test answered`);
  }
  assert.ok(silentAsked <= 2, `the dead upstream was asked ${silentAsked} times (max_fails 2)`);

  const replies = await Promise.all(Array.from({ length: 5 }, () => c.exchange(query('burst.test', RRType.A), 5000)));
  assert.ok(replies.every((r) => r && readMessage(r).answer.length === 1));
  assert.equal(up.asked.get(`burst.test ${RRType.A}`), 1, 'five clients, one upstream query');
});

test('cache: TTL countdown, clamp and expiry', () => {
  let now = 1_000_000;
  const cache = new AnswerCache({ maxTtl: 30, minTtl: 5, now: () => now });
  const ok: Answer = { rcode: Rcode.NOERROR, authoritative: false, answer: [{ name: 'a.test', ttl: 20, type: 'A', address: '192.0.2.1' }], authority: [], additional: [] };
  assert.equal(cache.put('k', ok).answer[0]!.ttl, 20);
  now += 7_000;
  assert.equal(cache.get('k')!.answer.answer[0]!.ttl, 13);
  now += 13_000;
  assert.equal(cache.get('k'), undefined, 'expired');
  const nx: Answer = { rcode: Rcode.NXDOMAIN, authoritative: false, answer: [], authority: [soa(2, 3600)], additional: [] };
  assert.equal(cache.put('n', nx).authority[0]!.ttl, 5, 'denial TTL = min(SOA ttl, minimum) clamped up to 5');
  const servfail: Answer = { ...nx, rcode: Rcode.SERVFAIL };
  cache.put('s', servfail);
  assert.equal(cache.get('s'), undefined, 'SERVFAIL is not stored');
  assert.equal(cache.countOf('denial'), 1);
  assert.equal(cache.countOf('success'), 0, 'the expired entry is gone');
  const small = new AnswerCache({ capacity: 2, now: () => now });
  for (const k of ['a', 'b', 'c']) small.put(k, ok);
  assert.equal(small.size, 2);
  assert.equal(small.get('a'), undefined, 'the oldest entry went first');
  assert.equal(small.countOf('success'), 2);
});

test('resolv.conf upstreams skip this server', () => {
  assert.deepEqual(parseResolvConfNameservers('# x\nnameserver 10.0.0.2\nsearch a b\nnameserver 1.1.1.1 # c\nnameserver bogus\n'), ['10.0.0.2', '1.1.1.1']);
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-dns-'));
  const file = join(dir, 'resolv.conf');
  writeFileSync(file, 'nameserver 127.0.0.1\nnameserver 192.0.2.53\n');
  assert.deepEqual(upstreamsFromResolvConf({ host: '127.0.0.1', port: 53 }, file), [{ host: '192.0.2.53', port: 53 }]);
  assert.deepEqual(upstreamsFromResolvConf({ host: '0.0.0.0', port: 53 }, file), [{ host: '192.0.2.53', port: 53 }]);
  assert.deepEqual(upstreamsFromResolvConf({ host: '127.0.0.1', port: 5353 }, file).length, 2);
});
