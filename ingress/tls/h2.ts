/**
 * HTTP/2 clients (ALPN "h2") are served by Node's http2 module and forwarded upstream over
 * HTTP/1.1 with Node's http client; HTTP/1.1 over TLS stays on the hand-written fast path. Same
 * routing, headers and limits as HTTP/1.1, fewer tricks (no retries across endpoints).
 */
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { matchRequest, normalizeHost, normalizePath, rewritePath } from '../router/match.js';
import type { DataPlane } from '../proxy/plane.js';
import { newRequestId } from '../proxy/forward-headers.js';
import { reasonPhrase } from '../proxy/responses.js';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade', 'proxy', 'transfer-encoding', 'host', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-real-ip', 'x-request-id']);

export class H2Handler {
  readonly #server: http2.Http2Server;
  readonly #agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
  readonly #tlsAgent = new https.Agent({ keepAlive: true, maxFreeSockets: 64, rejectUnauthorized: false });
  readonly #plane: DataPlane;
  readonly #localPort: number;

  constructor(plane: DataPlane, localPort: number) {
    this.#plane = plane;
    this.#localPort = localPort;
    this.#server = http2.createServer({ maxHeaderListPairs: plane.limits.maxHeaders, maxSessionMemory: 16 });
    this.#server.on('request', (req, res) => this.#onRequest(req, res));
    this.#server.on('sessionError', () => {});
  }

  /** Hands a TLS socket that negotiated h2 to the HTTP/2 server. */
  accept(socket: TLSSocket): void {
    this.#server.emit('connection', socket);
  }

  close(): void {
    this.#server.close();
    this.#agent.destroy();
    this.#tlsAgent.destroy();
  }

  #onRequest(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void {
    const started = performance.now();
    const rawHost = req.authority ?? (req.headers.host as string | undefined) ?? '';
    const host = normalizeHost(rawHost);
    const target = req.url || '/';
    const q = target.indexOf('?');
    const path = normalizePath(q < 0 ? target : target.slice(0, q)) ?? '';
    const match = path ? matchRequest(this.#plane.table, host, path) : undefined;
    const answer = (status: number) => {
      res.writeHead(status, { 'content-type': 'text/html', server: 'svcnet' });
      res.end(`<html><body><center><h1>${status} ${reasonPhrase(status)}</h1></center></body></html>\n`);
      this.#plane.metrics.observe(match?.backend, status, (performance.now() - started) / 1000, 0);
    };
    if (!match) return answer(404);
    const backend = match.backend;
    const len = Number(req.headers['content-length'] ?? -1);
    if (backend.options.maxBodyBytes > 0 && len > backend.options.maxBodyBytes) return answer(413);
    const ep = this.#plane.pickEndpoint(backend, undefined);
    if (!ep) return answer(503);
    const upstreamPath = (match.route && rewritePath(match.route, path, q < 0 ? '' : target.slice(q + 1))) ?? target;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!k.startsWith(':') && !hopByHop.has(k) && v !== undefined) headers[k] = v as string | string[];
    const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    Object.assign(headers, { host: rawHost, 'x-request-id': newRequestId(), 'x-real-ip': remote, 'x-forwarded-for': remote, 'x-forwarded-host': rawHost, 'x-forwarded-port': String(this.#localPort), 'x-forwarded-proto': 'https', 'x-scheme': 'https' });
    const isTls = backend.options.protocol === 'HTTPS';
    const up = (isTls ? https : http).request({ host: ep.host, port: ep.port, method: req.method, path: upstreamPath, headers, agent: isTls ? this.#tlsAgent : this.#agent, timeout: backend.options.readTimeoutMs });
    up.on('response', (ures) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(ures.headers)) if (!hopByHop.has(k) && v !== undefined) out[k] = v;
      if (match.hostTls) out['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
      res.writeHead(ures.statusCode ?? 502, out);
      ures.pipe(res);
      ures.on('end', () => this.#plane.metrics.observe(backend, ures.statusCode ?? 502, (performance.now() - started) / 1000, 0));
    });
    up.on('timeout', () => up.destroy(new Error('timeout')));
    up.on('error', () => {
      this.#plane.metrics.upstreamError(backend, 'connect');
      if (!res.headersSent) answer(502);
      else res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
    req.pipe(up);
  }
}
