import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { connectionForUrl } from './connection.js';
import { HttpTransport } from './http-transport.js';
import { listen } from './testing/listen.js';

test('a pooled socket the server dropped is replaced and the request sent again', async () => {
  // The server answers the first request on each connection and drops the connection on the
  // second, as a server does whose idle timeout fires just as the client reuses the socket.
  const served = new WeakSet<Socket>();
  let drops = 0;
  const server = await listen((req, res) => {
    if (served.has(req.socket)) {
      drops++;
      req.socket.destroy();
      return;
    }
    served.add(req.socket);
    res.end('ok');
  });
  const transport = new HttpTransport(connectionForUrl(server.url));
  try {
    for (let i = 0; i < 3; i++) {
      const res = await transport.send({ method: 'POST', path: '/x', headers: {}, body: '{}' });
      assert.equal(res.body, 'ok');
    }
    assert.equal(drops, 2, 'the second and third requests first went to the dropped socket');
  } finally {
    transport.close();
    await server.close();
  }
});

test('a reset on a fresh connection is not retried', async () => {
  let seen = 0;
  const server = await listen((req) => {
    seen++;
    req.socket.destroy();
  });
  const transport = new HttpTransport(connectionForUrl(server.url));
  try {
    await assert.rejects(transport.send({ method: 'GET', path: '/', headers: {} }), { code: 'ECONNRESET' });
    assert.equal(seen, 1);
  } finally {
    transport.close();
    await server.close();
  }
});

test('an aborted request rejects with Aborted', async () => {
  const server = await listen(() => {});
  const transport = new HttpTransport(connectionForUrl(server.url));
  const abort = new AbortController();
  try {
    const pending = transport.send({ method: 'GET', path: '/', headers: {}, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    await assert.rejects(pending, { code: 'Aborted' });
  } finally {
    transport.close();
    await server.close();
  }
});
