/**
 * The agent's kubelet API: HTTPS on --kubelet-listen (default 0.0.0.0:10250) with a self-signed
 * certificate and bearer-token authentication (the token of the agent's own kubeconfig, which is
 * what the API server presents when it proxies pods/log and pods/exec).
 *   GET /containerLogs/{ns}/{pod}/{container}?…   logs (streamed with follow=true)
 *   GET /exec/{ns}/{pod}/{container}?command=…     WebSocket, v5.channel.k8s.io
 *   GET /healthz                                   "ok"
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { logger } from '../../common/log.js';
import type { PodManager } from '../pods/pod-manager.js';
import { execProtocol, handleExec, parseExecQuery } from './exec.js';
import { serveLogs } from './logs.js';
import { sendStatus, statusBody } from './status.js';
import type { ServingCert } from './tls.js';

const log = logger('agent/kubelet-api');

export interface KubeletApiOptions {
  listen: string; // host:port
  cert: ServingCert;
  /** Accepted bearer tokens; empty = no authentication (the agent's kubeconfig had no token). */
  tokens: string[];
  pods: PodManager;
}

export interface KubeletApi {
  port: number;
  close(): Promise<void>;
}

function splitListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(listen.slice(i + 1)) };
}

function authorized(req: IncomingMessage, tokens: string[]): boolean {
  if (tokens.length === 0) return true;
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1].trim());
  return tokens.some((t) => {
    const want = Buffer.from(t);
    return want.length === given.length && timingSafeEqual(want, given);
  });
}

/** /{verb}/{ns}/{pod}/{container} → parts, URL-decoded. */
function route(url: URL): { verb: string; namespace: string; pod: string; container: string } | undefined {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length !== 4) return undefined;
  return { verb: parts[0], namespace: parts[1], pod: parts[2], container: parts[3] };
}

function rejectSocket(socket: Duplex, code: number, reason: string, message: string): void {
  const body = statusBody(code, reason, message);
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function startKubeletApi(o: KubeletApiOptions): Promise<KubeletApi> {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has(execProtocol) ? execProtocol : false) });
  const server: Server = createServer({ cert: o.cert.cert, key: o.cert.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    if (url.pathname === '/healthz') {
      res.end('ok');
      return;
    }
    if (!authorized(req, o.tokens)) return sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
    const r = route(url);
    if (req.method === 'GET' && r?.verb === 'containerLogs') return serveLogs(o.pods, { ...r, query: url.searchParams }, req, res);
    if (r?.verb === 'exec') return sendStatus(res, 400, 'BadRequest', 'exec needs a WebSocket upgrade (v5.channel.k8s.io); SPDY is not supported');
    sendStatus(res, 404, 'NotFound', `the server could not find the requested resource (${req.method} ${url.pathname})`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    if (!authorized(req, o.tokens)) return rejectSocket(socket, 401, 'Unauthorized', 'Unauthorized');
    const r = route(url);
    if (r?.verb !== 'exec') return rejectSocket(socket, 404, 'NotFound', `no upgrade handler for ${url.pathname}`);
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!protocols.includes(execProtocol)) return rejectSocket(socket, 400, 'BadRequest', `exec speaks only the ${execProtocol} WebSocket subprotocol`);
    wss.handleUpgrade(req, socket, head, (ws) => handleExec(o.pods, { ...r, ...parseExecQuery(url.searchParams) }, ws));
  });
  server.on('tlsClientError', (err) => log.debug('TLS client error', { err }));
  const { host, port } = splitListen(o.listen);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      log.info('kubelet API listening', { listen: `${host}:${bound}` });
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close();
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
