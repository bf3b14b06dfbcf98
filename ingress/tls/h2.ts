/**
 * HTTP/2 clients (ALPN "h2") are served by Node's http2 module and forwarded upstream over
 * HTTP/1.1 with Node's http client, or over HTTP/2 for gRPC backends (grpc-upstream.ts); HTTP/1.1
 * over TLS stays on the hand-written fast path. Same routing, policies, balancers, headers and
 * limits as HTTP/1.1, fewer tricks (no retries across endpoints).
 */
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { matchRequest, normalizeHost, normalizePath, rewritePath } from '../router/match.js';
import type { DataPlane } from '../proxy/plane.js';
import { newRequestId } from '../proxy/forward-headers.js';
import { reasonPhrase } from '../proxy/responses.js';
import { GrpcUpstreams } from './grpc-upstream.js';
import { headOfH2, setCookieValue } from './h2-head.js';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade', 'proxy', 'transfer-encoding', 'host', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-real-ip', 'x-request-id']);
/** Client headers never forwarded: rebuilt by the proxy (`te` is kept for gRPC, dropped for HTTP/1.1). */
const forwardDrop = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'proxy', 'transfer-encoding', 'host', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'x-real-ip', 'x-request-id']);
/** Headers meaningful only between HTTP/2 peers. */
const h1Only = ['te'];

export class H2Handler {
  readonly #server: http2.Http2Server;
  readonly #agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
  readonly #tlsAgent = new https.Agent({ keepAlive: true, maxFreeSockets: 64, rejectUnauthorized: false });
  readonly #plane: DataPlane;
  readonly #localPort: number;
  readonly #grpc = new GrpcUpstreams();

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
    this.#grpc.close();
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
    let backend = match?.backend;
    const answer = (status: number, extra: http2.OutgoingHttpHeaders = {}, emptyBody = false) => {
      res.writeHead(status, emptyBody ? { server: 'svcnet', 'content-length': '0', ...extra } : { 'content-type': 'text/html', server: 'svcnet', ...extra });
      if (emptyBody) res.end();
      else res.end(`<html><body><center><h1>${status} ${reasonPhrase(status)}</h1></center></body></html>\n`);
      this.#plane.metrics.observe(backend, status, (performance.now() - started) / 1000, 0);
    };
    if (!match || !backend) return answer(404);
    const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    // Policies and balancers read the request as a RequestHead; built only when one needs it.
    const head = match.policy !== null || backend.balancer !== null ? headOfH2(req, target, rawHost) : undefined;
    const responseHeaders: http2.OutgoingHttpHeaders = {};
    if (match.policy !== null) {
      const verdict = match.policy.check({ head: head!, remoteAddress: remote, proto: 'https', http2: true });
      if (verdict.kind === 'answer') return answer(verdict.status, Object.fromEntries(verdict.headers.map(([k, v]) => [k.toLowerCase(), v])), verdict.emptyBody);
      backend = verdict.backend;
      for (const [k, v] of verdict.responseHeaders) responseHeaders[k.toLowerCase()] = v;
    }
    const chosen = backend;
    const len = Number(req.headers['content-length'] ?? -1);
    if (backend.options.maxBodyBytes > 0 && len > backend.options.maxBodyBytes) return answer(413);
    const pick = backend.balancer !== null ? { req: head!, client: { remoteAddress: remote, listener: { proto: 'https' as const } }, setCookie: '' } : undefined;
    const ep = pick ? backend.balancer!.pick(pick, undefined) : this.#plane.pickEndpoint(backend, undefined);
    if (!ep) return answer(503);
    if (pick?.setCookie) responseHeaders['set-cookie'] = setCookieValue(pick.setCookie);
    if (match.hostTls) responseHeaders['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
    const upstreamPath = (match.route && rewritePath(match.route, path, q < 0 ? '' : target.slice(q + 1))) ?? target;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!k.startsWith(':') && !forwardDrop.has(k) && v !== undefined) headers[k] = v as string | string[];
    Object.assign(headers, { 'x-request-id': newRequestId(), 'x-real-ip': remote, 'x-forwarded-for': remote, 'x-forwarded-host': rawHost, 'x-forwarded-port': String(this.#localPort), 'x-forwarded-proto': 'https', 'x-scheme': 'https' });
    const protocol = backend.options.protocol;
    if (protocol === 'GRPC' || protocol === 'GRPCS') {
      const observe = (status: number) => this.#plane.metrics.observe(chosen, status, (performance.now() - started) / 1000, 0);
      this.#grpc.forward({ req, res, backend: chosen, endpoint: ep, path: upstreamPath, authority: rawHost, headers, responseHeaders, fail: (status) => answer(status), done: observe });
      return;
    }
    for (const k of h1Only) delete headers[k];
    headers.host = rawHost;
    const isTls = backend.options.protocol === 'HTTPS';
    const up = (isTls ? https : http).request({ host: ep.host, port: ep.port, method: req.method, path: upstreamPath, headers, agent: isTls ? this.#tlsAgent : this.#agent, timeout: backend.options.readTimeoutMs });
    up.on('response', (ures) => {
      const out: http2.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(ures.headers)) if (!hopByHop.has(k) && v !== undefined) out[k] = v;
      for (const [k, v] of Object.entries(responseHeaders)) out[k] = k === 'set-cookie' && out[k] ? [...(out[k] as string[]), v as string] : v;
      res.writeHead(ures.statusCode ?? 502, out);
      ures.pipe(res);
      ures.on('end', () => this.#plane.metrics.observe(chosen, ures.statusCode ?? 502, (performance.now() - started) / 1000, 0));
    });
    up.on('timeout', () => up.destroy(new Error('timeout')));
    up.on('error', () => {
      this.#plane.metrics.upstreamError(chosen, 'connect');
      if (!res.headersSent) answer(502);
      else res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
    req.pipe(up);
  }
}
