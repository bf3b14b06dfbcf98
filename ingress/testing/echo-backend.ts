/**
 * Echo backends for tests, shaped like the conformance echoserver: JSON with the service and pod
 * name, method, path, host, protocol and request headers. Extra knobs: `/status/<code>`,
 * `/delay/<ms>`, `/bytes/<n>` (a body of n bytes), `/chunked/<n>` (n chunks), POST bodies echoed
 * back as their byte count and SHA-256.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoBackend {
  readonly port: number;
  readonly address: string;
  readonly requests: number;
  close(): Promise<void>;
}

/** `delayMs`: every answer waits this long (a slow endpoint, for latency-aware balancing). */
export async function startEchoBackend(service: string, pod = `${service}-pod`, host = '127.0.0.1', opts: { delayMs?: number } = {}): Promise<EchoBackend> {
  let requests = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    requests++;
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      hash.update(d);
    });
    req.on('end', () => {
      const answer = () => respond(req, res, { service, pod, size, sha256: hash.digest('hex') });
      if (opts.delayMs) setTimeout(answer, opts.delayMs);
      else answer();
    });
  });
  server.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (d) => socket.write(`${service}:${d}`));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    address: host,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function respond(req: http.IncomingMessage, res: http.ServerResponse, info: { service: string; pod: string; size: number; sha256: string }): void {
  const url = req.url ?? '/';
  const m = /^\/(status|delay|bytes|chunked)\/(\d+)/.exec(url);
  const body = JSON.stringify({ service: info.service, pod: info.pod, method: req.method, path: url, host: req.headers.host, proto: `HTTP/${req.httpVersion}`, headers: req.headers, bodySize: info.size, bodySha256: info.sha256 });
  if (m?.[1] === 'status') {
    res.writeHead(Number(m[2]), { 'content-type': 'application/json' });
    res.end(body);
  } else if (m?.[1] === 'delay') {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    }, Number(m[2]));
  } else if (m?.[1] === 'bytes') {
    const n = Number(m[2]);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
    res.end(Buffer.alloc(n, 120));
  } else if (m?.[1] === 'chunked') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const n = Number(m[2]);
    let i = 0;
    const next = () => {
      if (i++ >= n) return res.end();
      res.write(`chunk-${i}\n`);
      setImmediate(next);
    };
    next();
  } else {
    res.writeHead(200, { 'content-type': 'application/json', server: 'echo', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}
