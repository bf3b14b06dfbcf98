/**
 * The handler serves cached replies from the cache's own buffer, patched in place: each reply
 * carries its own request's ID, RD and question case, and keep() stops the cache from touching a
 * buffer the transport still holds (a queued UDP send).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerCache } from './cache.js';
import { Forwarder } from './forward.js';
import { QueryHandler } from './handler.js';
import { DnsMetrics } from './metrics.js';
import { defaultRecordsConfig } from './records.js';
import { RRType } from './rr.js';
import { buildIndex, coreDnsServices, coreDnsSlices } from './testing/fixture.js';
import { query } from './testing/raw-client.js';
import { readMessage } from './wire-read.js';

function handlerFor() {
  const index = buildIndex(coreDnsServices, coreDnsSlices, ['testns']);
  return new QueryHandler({ index, records: { ...defaultRecordsConfig, ttl: 5 }, forwarder: new Forwarder({ upstreams: [] }), cache: new AnswerCache(), metrics: new DnsMetrics('dns://:53') });
}

function ask(h: QueryHandler, id: number, flags = 0x0100): Buffer {
  const out = h.handle(query('svc1.testns.svc.cluster.local', RRType.A, { id, flags }), 'udp', '1');
  assert.ok(out instanceof Buffer);
  return out;
}

test('cached replies are patched in place with each request ID and RD bit', () => {
  const h = handlerFor();
  const first = ask(h, 1);
  const second = ask(h, 2, 0x0000);
  assert.equal(second, first, 'a hit returns the cache entry itself, no copy');
  assert.equal(second.readUInt16BE(0), 2);
  assert.equal(second[2]! & 0x01, 0, 'RD echoed from the second request (clear)');
  assert.equal(ask(h, 3).readUInt16BE(0), 3);
  assert.equal(readMessage(first).answer.length, 1);
});

test('keep() hands the buffer over: later hits use a copy and leave it alone', () => {
  const h = handlerFor();
  const held = ask(h, 7);
  h.keep(held);
  const next = ask(h, 8);
  assert.notEqual(next, held);
  assert.equal(held.readUInt16BE(0), 7, 'the kept reply still carries its own ID');
  assert.equal(next.readUInt16BE(0), 8);
  assert.deepEqual(readMessage(next).answer, readMessage(held).answer);
  h.keep(Buffer.from(next));
  assert.equal(ask(h, 9), next, 'keep() of some other buffer changes nothing');
});
