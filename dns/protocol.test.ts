/**
 * Request handling rules (reference §6.1, P1-P8) with raw packets, and a fuzz run: thousands of
 * random and mutated packets over UDP and TCP while valid queries keep getting correct answers.
 * Every reply the server sends must itself parse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../common/log.js';
import { startDnsServer, type RunningDns } from './index.js';
import { Rcode, RRType } from './rr.js';
import { buildIndex, coreDnsServices, coreDnsSlices } from './testing/fixture.js';
import { query, tcpExchange, UdpClient } from './testing/raw-client.js';
import { readMessage } from './wire-read.js';

if (!process.env.SVCNET_TEST_LOGS) setLogSink(() => {});

async function start(t: { after(fn: () => unknown): void }): Promise<RunningDns> {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  const dns = await startDnsServer({ index, listen: '127.0.0.1:0', upstreams: [], healthListen: '', readyListen: '', metricsListen: '' });
  t.after(() => dns.close());
  return dns;
}

const svc1 = 'svc1.testns.svc.cluster.local';

function expectSvc1(reply: Buffer | null, id: number): void {
  assert.ok(reply, 'a reply');
  const m = readMessage(reply);
  assert.equal(m.id, id);
  assert.equal(m.rcode, Rcode.NOERROR);
  assert.deepEqual(m.answer.map((r) => (r.type === 'A' ? r.address : r.type)), ['10.0.0.1']);
}

test('request rules P1-P8', { timeout: 120_000 }, async (t) => {
  const dns = await start(t);
  const c = new UdpClient(dns.udpPort);
  t.after(() => c.close());
  const rcodeOf = (b: Buffer | null) => (b ? b[3]! & 0xf : -1);

  assert.equal(rcodeOf(await c.exchange(query(svc1, 1, { id: 1, qdcount: 2 }))), Rcode.FORMERR, 'QDCOUNT=2');
  const zero = query(svc1, 1, { id: 2 });
  zero.writeUInt16BE(0, 4);
  assert.equal(rcodeOf(await c.exchange(zero)), Rcode.FORMERR, 'QDCOUNT=0');
  const update = await c.exchange(query(svc1, 1, { id: 3, flags: 5 << 11 }));
  assert.equal(rcodeOf(update), Rcode.NOTIMP, 'UPDATE');
  assert.equal((update![2]! >> 3) & 0xf, 5, 'opcode echoed');
  assert.equal(rcodeOf(await c.exchange(query(svc1, 1, { id: 4, flags: 2 << 11 }))), Rcode.NOTIMP, 'STATUS');
  assert.equal(await c.exchange(Buffer.from([0, 5, 1, 0, 0]), 300), null, '5 bytes: no reply');
  assert.equal(await c.exchange(query(svc1, 1, { id: 6, flags: 0x8100 }), 300), null, 'QR set: no reply');
  assert.equal(rcodeOf(await c.exchange(query(svc1, 16, { id: 7, qclass: 3 }))), Rcode.REFUSED, 'CH class');
  const cut = query(svc1, 1, { id: 8 }).subarray(0, 20);
  assert.equal(rcodeOf(await c.exchange(cut)), Rcode.FORMERR, 'truncated question');
  const loop = Buffer.concat([query('', 1, { id: 9 }).subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
  assert.equal(rcodeOf(await c.exchange(loop)), Rcode.FORMERR, 'pointer to itself');

  const mixed = query('SvC1.TeStNs.SvC.cLuStEr.LoCaL', 1, { id: 0xbeef, flags: 0x0110 });
  const r = await c.exchange(mixed);
  assert.ok(r);
  assert.deepEqual(r.subarray(12, mixed.length), mixed.subarray(12), 'question echoed byte for byte');
  assert.equal(r.readUInt16BE(0), 0xbeef);
  const flags = r.readUInt16BE(2);
  assert.ok(flags & 0x0100 && flags & 0x0010 && flags & 0x0400 && !(flags & 0x0080), 'RD, CD echoed; AA set; RA clear');
  const m = readMessage(r);
  assert.equal(m.answer[0]!.name, 'SvC1.TeStNs.SvC.cLuStEr.LoCaL');

  const e = readMessage((await c.exchange(query(svc1, 1, { id: 10, edns: 1232 })))!);
  assert.equal(e.edns?.udpSize, 1232);
});

test('IPv6 listen address: UDP and TCP on [::1]', { timeout: 120_000 }, async (t) => {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  let dns: RunningDns;
  try {
    dns = await startDnsServer({ index, listen: '[::1]:0', upstreams: [], healthListen: '', readyListen: '', metricsListen: '' });
  } catch (err) {
    t.skip(`no IPv6 loopback here: ${(err as Error).message}`);
    return;
  }
  t.after(() => dns.close());
  const c = new UdpClient(dns.udpPort, '::1');
  t.after(() => c.close());
  expectSvc1(await c.exchange(query(svc1, RRType.A, { id: 61 })), 61);
  expectSvc1(await tcpExchange(dns.tcpPort, query(svc1, RRType.A, { id: 62 }), 2000, '::1'), 62);
  assert.match(dns.metrics.render(), /coredns_dns_requests_total\{[^}]*proto="udp",family="2",type="A"\} 1/);
});

function mutate(base: Buffer): Buffer {
  const b = Buffer.from(base);
  const n = 1 + Math.floor(Math.random() * 4);
  for (let i = 0; i < n; i++) {
    const what = Math.random();
    const at = Math.floor(Math.random() * b.length);
    if (what < 0.6) b[at] = Math.floor(Math.random() * 256);
    else if (what < 0.8) return b.subarray(0, at);
    else return Buffer.concat([b, Buffer.from(Array.from({ length: Math.floor(Math.random() * 40) }, () => Math.floor(Math.random() * 256)))]);
  }
  return b;
}

function randomPacket(): Buffer {
  return Buffer.from(Array.from({ length: Math.floor(Math.random() * 300) }, () => Math.floor(Math.random() * 256)));
}

const seeds = [
  query(svc1, RRType.A, { edns: 1232 }),
  query('_http._tcp.hdls1.testns.svc.cluster.local', RRType.SRV),
  query('1.0.0.10.in-addr.arpa', RRType.PTR),
  query('external.testns.svc.cluster.local', RRType.CNAME, { edns: 4096 }),
  query('nope.testns.svc.cluster.local', RRType.AAAA),
];

test('fuzz: random and mutated packets over UDP and TCP; valid queries stay correct', { timeout: 120_000 }, async (t) => {
  const dns = await start(t);
  const c = new UdpClient(dns.udpPort);
  t.after(() => c.close());
  const rounds = Number(process.env.DNS_FUZZ_ROUNDS ?? 4000);
  for (let i = 0; i < rounds; i++) {
    c.send(Math.random() < 0.3 ? randomPacket() : mutate(seeds[i % seeds.length]!));
    // Paced so the kernel's socket buffer (~200 datagrams) does not drop the valid queries.
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, 2));
    if (i % 250 === 249) {
      const id = (i * 7) & 0xffff;
      expectSvc1(await c.exchange(query(svc1, RRType.A, { id })), id);
    }
  }
  // TCP: batches of connections at once, each carrying one random or mutated frame.
  for (let batch = 0; batch < 10; batch++) {
    const packets = Array.from({ length: 50 }, (_, i) => (Math.random() < 0.3 ? randomPacket() : mutate(seeds[i % seeds.length]!)));
    const replies = await Promise.all(packets.map((p) => tcpExchange(dns.tcpPort, p, 300)));
    for (const r of replies) if (r) assert.doesNotThrow(() => readMessage(r));
    expectSvc1(await tcpExchange(dns.tcpPort, query(svc1, RRType.A, { id: batch })), batch);
  }
  await new Promise((r) => setTimeout(r, 200));
  for (const reply of c.replies) assert.doesNotThrow(() => readMessage(reply), 'every reply parses');
  assert.ok(c.replies.length > 100, `got ${c.replies.length} replies`);
  expectSvc1(await c.exchange(query(svc1, RRType.A, { id: 4242 })), 4242);
  assert.equal(dns.metrics.panics.get([]), 0, 'no handler failed');
});
