/** Head parser and body framer on their own: exact ends across every chunk split, strict refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyFramer, FramingError } from './body-framer.js';
import { HeadError, parseRequestHead, parseResponseHead } from './http-head.js';

/** Feeds `body` + `tail` split at `cuts`; returns the bytes the framer claimed and whether it ended. */
function feed(kind: 'chunked' | 'length', body: string, tail: string, cuts: number[], length = 0): { claimed: number; done: boolean } {
  const f = new BodyFramer(kind, length);
  const all = Buffer.from(body + tail, 'latin1');
  let claimed = 0;
  let start = 0;
  for (const end of [...cuts, all.length]) {
    const piece = all.subarray(start, end);
    start = end;
    if (f.done) break;
    claimed += f.consume(piece, 0);
  }
  return { claimed, done: f.done };
}

test('chunked bodies end on their last byte whatever the read boundaries (trailers and extensions too)', () => {
  const bodies = ['5\r\nhello\r\n0\r\n\r\n', 'a;ext=1\r\n0123456789\r\n1\r\nx\r\n0\r\nTrailer: yes\r\nOther: v\r\n\r\n', '0\r\n\r\n', 'FF\r\n' + 'z'.repeat(255) + '\r\n0\r\n\r\n'];
  const tail = 'GET /next HTTP/1.1\r\n';
  for (const body of bodies) {
    for (let cut = 1; cut < body.length + tail.length; cut++) {
      const r = feed('chunked', body, tail, [cut]);
      assert.deepEqual(r, { claimed: body.length, done: true }, `${JSON.stringify(body.slice(0, 20))} cut at ${cut}`);
    }
    const bytewise = feed('chunked', body, tail, Array.from({ length: body.length + tail.length - 1 }, (_, i) => i + 1));
    assert.deepEqual(bytewise, { claimed: body.length, done: true });
  }
});

test('Content-Length bodies claim exactly their length', () => {
  assert.deepEqual(feed('length', 'hello', 'GET', [2], 5), { claimed: 5, done: true });
  assert.deepEqual(feed('length', 'hel', '', [], 5), { claimed: 3, done: false });
});

test('malformed chunk streams throw', () => {
  for (const bad of ['x\r\n', '\r\n', '5\nhello', '5\r\nhelloX\r\n', '11111111111111111\r\n', '5 \r\nhello\r\n', '0\r\nbad\ntrailer\r\n\r\n', '0\r\n\rX']) {
    assert.throws(() => new BodyFramer('chunked').consume(Buffer.from(bad, 'latin1'), 0), FramingError, JSON.stringify(bad));
  }
});

test('request heads: fields, hop-by-hop tokens, absolute-form, strict refusals', () => {
  const h = parseRequestHead('POST /a?b=1 HTTP/1.1\r\nHost: Foo.com:8080\r\nContent-Length: 3\r\nConnection: keep-alive, X-Hop\r\nExpect: 100-continue');
  assert.equal(h.method, 'POST');
  assert.equal(h.target, '/a?b=1');
  assert.equal(h.host, 'Foo.com:8080');
  assert.equal(h.contentLength, 3);
  assert.equal(h.close, false);
  assert.equal(h.expectContinue, true);
  assert.deepEqual(h.connectionTokens, ['x-hop']);
  const abs = parseRequestHead('GET http://example.com/x HTTP/1.1\r\nHost: other');
  assert.deepEqual([abs.host, abs.target], ['example.com', '/x']);
  assert.equal(parseRequestHead('GET / HTTP/1.0').close, true);
  assert.equal(parseRequestHead('GET / HTTP/1.0\r\nConnection: keep-alive').close, false);
  const ws = parseRequestHead('GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket');
  assert.equal(ws.upgrade, 'websocket');
  const refusals: [string, number][] = [
    ['GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked', 501],
    ['GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 1', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b', 400],
    ['GET / HTTP/1.1\r\nHost: a b', 400],
    ['GET  / HTTP/1.1\r\nHost: a', 400],
    ['GET / HTTP/1.1 \r\nHost: a', 400],
    ['GET /\x7f HTTP/1.1\r\nHost: a', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\rb', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\nY: b', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\r', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\nY: b', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\n\r\nY: b', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\x1fb', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\x0bb', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\n: b', 400],
  ];
  // Values lose spaces and tabs around them (OWS), nothing else; X-Request-ID is picked up.
  const ows = parseRequestHead('GET / HTTP/1.1\r\nHost: a\r\nX-A: \t v w \t\r\nX-Request-ID:  id-1 \r\nX-Request-ID: id-2');
  assert.deepEqual(ows.headers.slice(2, 4), ['X-A', 'v w']);
  assert.equal(ows.requestId, 'id-1');
  for (const [text, status] of refusals) {
    assert.throws(
      () => parseRequestHead(text),
      (e: unknown) => e instanceof HeadError && e.status === status,
      JSON.stringify(text),
    );
  }
});

test('response heads: status, framing, upstream protocol errors are 502', () => {
  const r = parseResponseHead('HTTP/1.1 204 No Content\r\nConnection: close');
  assert.deepEqual([r.status, r.reason, r.close], [204, 'No Content', true]);
  assert.equal(parseResponseHead('HTTP/1.1 200').reason, '');
  assert.throws(() => parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2'), (e: unknown) => e instanceof HeadError && e.status === 502);
  assert.throws(() => parseResponseHead('ICY 200 OK'), (e: unknown) => e instanceof HeadError && e.status === 502);
});
