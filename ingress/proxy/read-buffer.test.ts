/**
 * Upstream reads land in one reused buffer (upstream/pool.ts `onread`); the exchange tells the pool
 * when a client write still holds the bytes of a read. If it got that wrong, a later read would
 * overwrite response bytes not yet sent. A backend sending a body whose every byte depends on its
 * offset, in many small writes, to slow readers over plain HTTP and TLS, on reused connections,
 * shows any such overwrite as a wrong digest.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { setLogSink } from '../../common/log.js';
import { serviceOf, startHarness, stateOf, type Harness } from '../testing/harness.js';
import { ingress } from '../testing/state.js';

const patternByte = (i: number) => (i * 7 + (i >> 11) * 13) & 255;

function patternBody(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = patternByte(i);
  return b;
}

/** Answers `GET /<n>` with n patterned bytes, sent in 4 KiB writes a tick apart (many upstream reads). */
async function startPatternBackend(): Promise<net.Server> {
  const server = net.createServer((s) => {
    let buf = '';
    let busy = Promise.resolve();
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const n = Number(/^GET \/(\d+) /.exec(buf)?.[1] ?? 0);
        buf = buf.slice(end + 4);
        busy = busy.then(() => sendPattern(s, n));
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function sendPattern(s: net.Socket, n: number): Promise<void> {
  const body = patternBody(n);
  s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${n}\r\n\r\n`);
  for (let off = 0; off < n && !s.destroyed; off += 4096) {
    s.write(body.subarray(off, off + 4096));
    await new Promise((r) => setImmediate(r));
  }
}

/** Reads one response (head + Content-Length body) from a socket, pausing at first like a slow client. */
function readResponse(s: net.Socket): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let acc = Buffer.alloc(0);
    let headEnd = -1;
    let length = 0;
    let paused = false;
    const onData = (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      if (!paused) {
        // Stop reading for a while: the proxy's socket buffers fill and its writes start to wait.
        paused = true;
        s.pause();
        setTimeout(() => s.resume(), 300);
      }
      if (headEnd < 0) {
        headEnd = acc.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        length = Number(/\r\ncontent-length: *(\d+)/i.exec(acc.toString('latin1', 0, headEnd))?.[1] ?? 0);
      }
      if (acc.length >= headEnd + 4 + length) {
        s.off('data', onData);
        resolve({ status: Number(acc.toString('latin1', 9, 12)), body: acc.subarray(headEnd + 4, headEnd + 4 + length) });
      }
    };
    s.on('data', onData);
    s.once('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let h: Harness;
let backend: net.Server;

before(async () => {
  setLogSink(() => {});
  backend = await startPatternBackend();
  h = await startHarness();
  const port = (backend.address() as net.AddressInfo).port;
  h.apply(stateOf({ svcs: [serviceOf('pattern', [{ address: '127.0.0.1', port }])], ingresses: [ingress('all', { defaultBackend: { service: 'pattern', port: 80 } })] }));
});

after(async () => {
  await h.close();
  backend.close();
});

async function checkBodies(connect: () => net.Socket): Promise<void> {
  const s = connect();
  try {
    // Several sizes on one client connection (and so on reused upstream connections).
    for (const n of [8_000_000, 100, 700_000, 20_000]) {
      s.write(`GET /${n} HTTP/1.1\r\nHost: pattern.test\r\n\r\n`);
      const r = await readResponse(s);
      assert.equal(r.status, 200);
      assert.equal(r.body.length, n);
      assert.equal(sha(r.body), sha(patternBody(n)), `body of ${n} bytes altered`);
    }
  } finally {
    s.destroy();
  }
}

test('response bodies streamed from reused upstream read buffers arrive intact (plain HTTP, slow reader)', async () => {
  await checkBodies(() => net.connect(h.dp.httpPort, '127.0.0.1'));
});

test('response bodies streamed from reused upstream read buffers arrive intact (TLS, slow reader)', async () => {
  await checkBodies(() => tls.connect({ port: h.dp.httpsPort, host: '127.0.0.1', servername: 'pattern.test', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }));
});
