/**
 * The encoder against an independent decoder (dns-packet) and our own reader: every record type
 * round-trips, names are compressed (30 A records for kubernetes.default.svc.cluster.local take
 * 534 bytes, reference §7), truncation stops at the budget and sets TC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { formatRR, Rcode, type Answer, type RR } from './rr.js';
import { query } from './testing/raw-client.js';
import { parseQuery, readMessage, replyCacheKey } from './wire-read.js';
import { encodeReply } from './wire-write.js';

function parsed(name: string, qtype: number, edns?: number) {
  const req = query(name, qtype, { id: 4660, edns });
  const p = parseQuery(req);
  assert.ok(p.ok);
  return { req, q: p.query };
}

const answer = (rrs: RR[], additional: RR[] = []): Answer => ({ rcode: Rcode.NOERROR, authoritative: true, answer: rrs, authority: [], additional });

test('every record type round-trips through dns-packet and readMessage', () => {
  const { req, q } = parsed('svc1.testns.svc.cluster.local', 255);
  const rrs: RR[] = [
    { name: null, ttl: 5, type: 'A', address: '10.0.0.1' },
    { name: null, ttl: 5, type: 'AAAA', address: '1234:abcd::1' },
    { name: null, ttl: 5, type: 'CNAME', target: 'ext.interwebs.test' },
    { name: null, ttl: 5, type: 'PTR', target: 'svc1.testns.svc.cluster.local' },
    { name: null, ttl: 5, type: 'NS', target: 'ns.dns.cluster.local' },
    { name: null, ttl: 5, type: 'SRV', priority: 0, weight: 33, port: 443, target: 'svc1.testns.svc.cluster.local' },
    { name: null, ttl: 5, type: 'MX', preference: 10, exchange: 'mail.cluster.local' },
    { name: null, ttl: 28800, type: 'TXT', texts: ['1.1.0', 'second string'] },
    { name: 'cluster.local', ttl: 5, type: 'SOA', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1499347823, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
    { name: 'cluster.local', ttl: 7, type: 'RAW', code: 13, rclass: 1, data: Uint8Array.from([1, 65, 1, 66]) },
  ];
  const out = encodeReply(req, q, answer(rrs), 65535);
  const decoded = dnsPacket.decode(out);
  assert.equal(decoded.id, 4660);
  assert.equal(decoded.answers?.length, rrs.length);
  const byType = Object.fromEntries((decoded.answers ?? []).map((a) => [a.type, a])) as Record<string, { data: unknown; name: string }>;
  assert.equal(byType.A!.data, '10.0.0.1');
  assert.equal(byType.AAAA!.data, '1234:abcd::1');
  assert.equal(byType.CNAME!.data, 'ext.interwebs.test');
  assert.deepEqual(byType.SRV!.data, { priority: 0, weight: 33, port: 443, target: 'svc1.testns.svc.cluster.local' });
  assert.deepEqual(byType.MX!.data, { preference: 10, exchange: 'mail.cluster.local' });
  assert.deepEqual((byType.TXT!.data as Buffer[]).map(String), ['1.1.0', 'second string']);
  assert.equal((byType.SOA!.data as { rname: string }).rname, 'hostmaster.cluster.local');
  assert.equal(byType.A!.name, 'svc1.testns.svc.cluster.local');
  const ours = readMessage(out);
  const qname = 'svc1.testns.svc.cluster.local';
  assert.deepEqual(
    ours.answer.map((r) => formatRR(r, qname)),
    rrs.map((r) => formatRR(r, qname)),
  );
});

test('compression: 30 A records in 534 bytes; 512 bytes hold 28 and set TC', () => {
  const { req, q } = parsed('kubernetes.default.svc.cluster.local', 1);
  const thirty = Array.from({ length: 30 }, (_, i): RR => ({ name: null, ttl: 30, type: 'A', address: `10.244.0.${i + 1}` }));
  const full = encodeReply(req, q, answer(thirty), 65535);
  assert.equal(full.length, 534);
  assert.equal(full[2]! & 0x02, 0, 'no TC');
  const cut = encodeReply(req, q, answer(thirty), 512);
  assert.ok(cut.length <= 512);
  assert.equal(readMessage(cut).answer.length, 28);
  assert.equal(cut[2]! & 0x02, 0x02, 'TC');
});

test('truncation drops glue last and still sets TC; the OPT always fits', () => {
  const { req, q } = parsed('_http._tcp.web.default.svc.cluster.local', 33, 512);
  const srv = Array.from({ length: 8 }, (_, i): RR => ({ name: null, ttl: 30, type: 'SRV', priority: 0, weight: 12, port: 80, target: `web-${i}.web.default.svc.cluster.local` }));
  const glue = srv.map((r, i): RR => ({ name: (r as { target: string }).target, ttl: 30, type: 'A', address: `10.244.1.${i}` }));
  const out = encodeReply(req, q, answer(srv, glue), 512);
  const m = readMessage(out);
  assert.ok(out.length <= 512);
  assert.equal(m.answer.length, 8, 'all SRV records fit');
  assert.ok(m.additional.length < 8, 'not all glue fits');
  assert.ok(m.truncated);
  assert.equal(m.edns?.udpSize, 512);
});

test('the reply-cache key: plain queries only, OPT bytes included', () => {
  assert.equal(typeof replyCacheKey(query('a.b', 1)), 'string');
  assert.notEqual(replyCacheKey(query('a.b', 1)), replyCacheKey(query('a.b', 1, { edns: 1232 })));
  assert.notEqual(replyCacheKey(query('a.b', 1)), replyCacheKey(query('A.b', 1)), 'case is part of the key (replies echo it)');
  assert.equal(replyCacheKey(query('a.b', 1, { flags: 0x8100 })), null, 'a response');
  assert.equal(replyCacheKey(query('a.b', 1, { qdcount: 2 })), null);
  const v1 = query('a.b', 1, { edns: 1232 });
  v1[v1.length - 5] = 1; // EDNS version 1
  assert.equal(replyCacheKey(v1), null, 'BADVERS must not come from the cache');
});
