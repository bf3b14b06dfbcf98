/**
 * Plain HTTP connections are accepted by server.ts acceptDirect (one net.Socket per connection,
 * built from the accepted handle), bypassing net.Server's own accept callback. What that callback
 * did for the server must still hold: connections are counted (getConnections, server.close()
 * waits for them), `maxConnections` is enforced, and closing the data plane ends it all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setLogSink } from '../common/log.js';
import { waitFor } from '../testing/wait-for.js';
import { startDataPlane, type RunningDataPlane } from './data-plane.js';

setLogSink(() => {});

function connections(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

/** Opens a connection and reads the head of the answer to one keep-alive request (404: no routes). */
function requestOn(port: number): Promise<{ socket: net.Socket; head: string }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nHost: a.example\r\n\r\n');
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      socket.off('data', onData);
      resolve({ socket, head: text.slice(0, Math.max(0, text.indexOf('\r\n'))) });
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) done();
    };
    socket.on('data', onData);
    // A dropped connection (reset or closed by the server) has no answer.
    socket.on('error', () => {});
    socket.once('close', done);
  });
}

async function plane(): Promise<RunningDataPlane> {
  return startDataPlane({ httpListen: '127.0.0.1:0', httpsListen: '' });
}

test('adopted connections are served and counted by the server until they close', async () => {
  const dp = await plane();
  const server = dp.servers.http!;
  let emitted = 0;
  server.on('connection', () => emitted++);
  try {
    const opened = await Promise.all([1, 2, 3].map(() => requestOn(dp.httpPort)));
    for (const o of opened) assert.equal(o.head, 'HTTP/1.1 404 Not Found');
    assert.equal(await connections(server), 3);
    // The fast path was taken: Node's accept callback (which emits `connection`) never ran.
    assert.equal(emitted, 0);
    for (const o of opened) o.socket.destroy();
    await waitFor('connections counted down', async () => (await connections(server)) === 0);
  } finally {
    await dp.close();
  }
});

test('closing the data plane ends open adopted connections and the server', async () => {
  const dp = await plane();
  const server = dp.servers.http!;
  const { socket } = await requestOn(dp.httpPort);
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  const serverClosed = new Promise<void>((r) => server.once('close', () => r()));
  await dp.close();
  await closed;
  await serverClosed;
  assert.equal(server.listening, false);
});

test('maxConnections still drops connections over the limit', async () => {
  const dp = await plane();
  const server = dp.servers.http!;
  server.maxConnections = 1;
  let dropped = 0;
  server.on('drop', () => dropped++);
  try {
    const first = await requestOn(dp.httpPort);
    assert.equal(first.head, 'HTTP/1.1 404 Not Found');
    const second = await requestOn(dp.httpPort);
    assert.equal(second.head, '', 'a connection over the limit gets no answer');
    assert.equal(dropped, 1);
    first.socket.destroy();
    await waitFor('first connection counted down', async () => (await connections(server)) === 0);
    const third = await requestOn(dp.httpPort);
    assert.equal(third.head, 'HTTP/1.1 404 Not Found');
    third.socket.destroy();
    second.socket.destroy();
  } finally {
    await dp.close();
  }
});
