/**
 * The data plane on its own: keep-alive and pipelining, chunked bodies both ways, smuggling and
 * malformed requests, limits, slow clients, upstreams that close or die, WebSocket upgrades.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setLogSink } from '../../common/log.js';
import { startEchoBackend, type EchoBackend } from '../testing/echo-backend.js';
import { closeAll, curl, serviceOf, startHarness, stateOf, type Harness } from '../testing/harness.js';
import { ingress } from '../testing/state.js';

let h: Harness;
let echo: EchoBackend;
const raw: net.Server[] = [];

/** A backend written by hand: `handler` gets every chunk of each connection. */
async function rawBackend(handler: (socket: net.Socket, data: string) => void): Promise<number> {
  const server = net.createServer((s) => {
    s.on('data', (d) => handler(s, d.toString('latin1')));
    s.on('error', () => {});
  });
  raw.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Sends raw bytes to the proxy (then half-closes if asked) and collects everything until it closes or `waitMs` passes. */
function exchange(port: number, payload: string | Buffer, waitMs = 1500, halfClose = false): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed });
    }, waitMs);
    s.on('data', (d) => (text += d.toString('latin1')));
    s.on('error', () => {});
    s.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ text, closed });
    });
    if (halfClose) s.end(payload);
    else s.write(payload);
  });
}

before(async () => {
  setLogSink(() => {});
  echo = await startEchoBackend('echo');
  h = await startHarness({ timeouts: { headerMs: 400, keepAliveMs: 2000, bodyMs: 400 } });
  h.apply(stateOf({ svcs: [serviceOf('echo', [echo])], ingresses: [ingress('all', { defaultBackend: { service: 'echo', port: 80 } })] }));
});

after(async () => {
  await h.close();
  await echo.close();
  for (const s of raw) s.close();
});

const port = () => h.dp.httpPort;
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

test('keep-alive: one connection serves many requests (curl reuses it)', async () => {
  const urls = Array.from({ length: 20 }, (_, i) => `http://127.0.0.1:${port()}/k${i}`);
  const r = await curl(['-H', 'Host: a', '-w', '%{num_connects} ', ...urls.flatMap((u) => ['-o', '/dev/null', u])]);
  const connects = r.stdout.trim().split(' ').map(Number);
  assert.equal(connects.length, 20);
  assert.equal(connects.reduce((a, b) => a + b, 0), 1);
});

test('pipelined requests are answered in order on one connection', async () => {
  const reqs = Array.from({ length: 5 }, (_, i) => `GET /p${i} HTTP/1.1\r\nHost: a\r\n\r\n`).join('') + 'GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';
  const { text, closed } = await exchange(port(), reqs);
  assert.deepEqual(statuses(text), [200, 200, 200, 200, 200, 200]);
  assert.deepEqual([...text.matchAll(/"path":"([^"]+)"/g)].map((m) => m[1]), ['/p0', '/p1', '/p2', '/p3', '/p4', '/last']);
  assert.ok(closed);
});

test('pipelined requests followed by a half-close are all answered, then the connection closes', async () => {
  const reqs = Array.from({ length: 3 }, (_, i) => `GET /h${i} HTTP/1.1\r\nHost: a\r\n\r\n`).join('');
  const { text, closed } = await exchange(port(), reqs, 1500, true);
  assert.deepEqual([...text.matchAll(/"path":"([^"]+)"/g)].map((m) => m[1]), ['/h0', '/h1', '/h2']);
  assert.ok(closed);
});

test('chunked request and chunked response bodies pass through with exact framing', async () => {
  const body = '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
  const { text } = await exchange(port(), `POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${body}GET /chunked/3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
  assert.deepEqual(statuses(text), [200, 200]);
  assert.match(text, /"bodySize":11/);
  assert.match(text, /Transfer-Encoding: chunked\r\n[\s\S]*chunk-1\n[\s\S]*chunk-3\n\r\n0\r\n\r\n$/);
});

test('large response bodies arrive whole (8 MiB, content-length)', async () => {
  const r = await curl(['-H', 'Host: a', '-o', '/dev/null', '-w', '%{size_download} %{http_code}', `http://127.0.0.1:${port()}/bytes/8388608`]);
  assert.equal(r.stdout, '8388608 200');
});

test('request smuggling and malformed requests are refused with 400/501 and the connection closed', async () => {
  const cases: [string, number][] = [
    ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', 400],
    ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n  b\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501],
    ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n', 400],
    ['GARBAGE\r\n\r\n', 400],
    ['GET /x HTTP/2.0\r\nHost: a\r\n\r\n', 505],
    ['GET http://evil.com:80@x/ HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ];
  for (const [req, status] of cases) {
    const { text, closed } = await exchange(port(), req);
    assert.equal(statuses(text)[0], status, JSON.stringify(req));
    assert.equal(statuses(text).length, 1, `nothing after the error: ${JSON.stringify(req)}`);
    assert.ok(closed, `closed after ${JSON.stringify(req)}`);
  }
});

test('header limits: too large → 431, too many → 431, request line too long → 414', async () => {
  const many = Array.from({ length: 150 }, (_, i) => `X-H${i}: v\r\n`).join('');
  const big = `X-Big: ${'a'.repeat(40 * 1024)}\r\n`;
  assert.equal(statuses((await exchange(port(), `GET / HTTP/1.1\r\nHost: a\r\n${many}\r\n`)).text)[0], 431);
  assert.equal(statuses((await exchange(port(), `GET / HTTP/1.1\r\nHost: a\r\n${big}\r\n`)).text)[0], 431);
  assert.equal(statuses((await exchange(port(), `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: a\r\n\r\n`)).text)[0], 414);
});

test('slow clients: a head that does not finish in time gets 408 and a close', async () => {
  const { text, closed } = await exchange(port(), 'GET / HTTP/1.1\r\nHost: a\r\n', 2000);
  assert.equal(statuses(text)[0], 408);
  assert.ok(closed);
});

test('HTTP/1.0 clients and HEAD requests', async () => {
  const { text, closed } = await exchange(port(), 'GET /ten HTTP/1.0\r\nHost: a\r\n\r\n');
  assert.equal(statuses(text)[0], 200);
  assert.match(text, /"proto":"HTTP\/1.0"/);
  assert.ok(closed);
  const head = await exchange(port(), 'HEAD /h HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  assert.deepEqual(statuses(head.text), [200, 200]);
  assert.match(head.text, /"path":"\/after"/);
});

test('an upstream that closes idle keep-alive connections never fails a request (stale connection retried)', async () => {
  let n = 0;
  const p = await rawBackend((s) => {
    n++;
    s.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`);
    // Closes right after answering, while advertising keep-alive: the pooled connection goes stale.
    setTimeout(() => s.destroy(), 5);
  });
  h.apply(stateOf({ svcs: [serviceOf('flaky', [{ address: '127.0.0.1', port: p }])], ingresses: [ingress('all', { defaultBackend: { service: 'flaky', port: 80 } })] }));
  const results: number[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await curl(['-H', 'Host: a', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port()}/`]);
    results.push(Number(r.stdout));
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(results, Array(20).fill(200));
  assert.ok(n >= 20);
});

test('a dead endpoint is skipped: GETs retried on another endpoint, all succeed', async () => {
  const dead = net.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as net.AddressInfo).port;
  dead.close();
  h.apply(stateOf({ svcs: [serviceOf('mixed', [{ address: '127.0.0.1', port: deadPort }, echo])], ingresses: [ingress('all', { defaultBackend: { service: 'mixed', port: 80 } })] }));
  const urls = Array.from({ length: 10 }, () => `http://127.0.0.1:${port()}/`);
  const r = await curl(['-H', 'Host: a', '-w', '%{http_code} ', ...urls.flatMap((u) => ['-o', '/dev/null', u])]);
  assert.deepEqual(r.stdout.trim().split(' '), Array(10).fill('200'));
  // A refused connection reached no backend: even a POST with a body is sent to the next endpoint.
  const posts = await curl(['-H', 'Host: a', '-d', 'payload=1', '-w', '%{http_code} ', ...urls.flatMap((u) => ['-o', '/dev/null', u])]);
  assert.deepEqual(posts.stdout.trim().split(' '), Array(10).fill('200'));
});

test('an upstream that dies mid-response: the client connection is cut, not given a wrong body', async () => {
  const p = await rawBackend((s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
    setTimeout(() => s.destroy(), 20);
  });
  const bad = await rawBackend((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc'));
  h.apply(stateOf({ svcs: [serviceOf('dies', [{ address: '127.0.0.1', port: p }]), serviceOf('bad', [{ address: '127.0.0.1', port: bad }])], ingresses: [ingress('d', { host: 'd', defaultBackend: { service: 'dies', port: 80 } }), ingress('b', { host: 'b', paths: [{ path: '/', pathType: 'Prefix', backend: { service: 'bad', port: 80 } }] })] }));
  const r = await curl(['-H', 'Host: d', `http://127.0.0.1:${port()}/`]);
  assert.notEqual(r.code, 0);
  const { text } = await exchange(port(), 'GET / HTTP/1.1\r\nHost: b\r\n\r\n');
  assert.equal(statuses(text)[0], 502);
});

test('a large upload that queues up while the upstream connection opens is delivered whole', async () => {
  let received = 0;
  let expected = -1;
  const p = await rawBackend((s, data) => {
    if (expected < 0) {
      const m = /content-length: (\d+)/i.exec(data);
      expected = m ? Number(m[1]) : 0;
      received += data.length - (data.indexOf('\r\n\r\n') + 4);
    } else received += data.length;
    if (received >= expected) s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${String(received).length}\r\n\r\n${received}`);
  });
  h.apply(stateOf({ svcs: [serviceOf('sink', [{ address: '127.0.0.1', port: p }])], ingresses: [ingress('all', { annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' }, defaultBackend: { service: 'sink', port: 80 } })] }));
  const body = Buffer.alloc(512 * 1024, 98);
  // Head and a big first slice in one write: the body queues before the fresh connection opens.
  const { text } = await exchange(port(), Buffer.concat([Buffer.from(`POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]), 5000);
  assert.equal(statuses(text)[0], 200);
  assert.match(text, new RegExp(`\r\n\r\n${body.length}$`));
});

test('WebSocket / Upgrade passthrough', async () => {
  h.apply(stateOf({ svcs: [serviceOf('echo', [echo])], ingresses: [ingress('all', { defaultBackend: { service: 'echo', port: 80 } })] }));
  const text = await new Promise<string>((resolve) => {
    const s = net.connect(port(), '127.0.0.1');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n\r\n') && !buf.includes('echo:ping')) s.write('ping');
      if (buf.includes('echo:ping')) {
        s.destroy();
        resolve(buf);
      }
    });
    s.write('GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    setTimeout(() => {
      s.destroy();
      resolve(buf);
    }, 3000);
  });
  assert.match(text, /^HTTP\/1\.1 101 /);
  assert.match(text, /echo:ping$/);
});

test('many malformed and aborted connections never crash the proxy', async () => {
  const junk = [Buffer.from([0, 1, 2, 3, 255, 13, 10, 13, 10]), 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc', '\r\n\r\n\r\n', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n'];
  await Promise.all(junk.flatMap((j) => Array.from({ length: 10 }, () => exchange(port(), j, 300))));
  const r = await curl(['-H', 'Host: a', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port()}/`]);
  assert.equal(r.stdout, '200');
});
