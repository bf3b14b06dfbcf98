/**
 * `backend-protocol: GRPC` / `GRPCS`: HTTP/2 client streams forwarded to the endpoint over HTTP/2
 * (cleartext h2c, or TLS without certificate verification, as ingress-nginx's grpc_pass),
 * streaming both ways with flow control, and the response trailers (grpc-status, grpc-message)
 * passed on. One multiplexed session per endpoint, closed after a minute without streams.
 */
import http2 from 'node:http2';
import type { Backend, Endpoint } from '../model.js';

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_FLAG_END_STREAM } = http2.constants;
const sessionIdleMs = 60_000;
/** Connection-specific headers HTTP/2 forbids, and what the proxy rebuilds. `te: trailers` stays. */
const dropped = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'proxy', 'transfer-encoding', 'host', 'http2-settings']);

export interface GrpcExchange {
  req: http2.Http2ServerRequest;
  res: http2.Http2ServerResponse;
  backend: Backend;
  endpoint: Endpoint;
  path: string;
  authority: string;
  /** Request headers for the backend (forwarded ones included), without pseudo-headers. */
  headers: http2.OutgoingHttpHeaders;
  /** Added to the response head (policy headers, affinity cookie). */
  responseHeaders: http2.OutgoingHttpHeaders;
  /** Proxy answers when nothing was sent yet (502, 504). */
  fail(status: number): void;
  done(status: number): void;
}

export class GrpcUpstreams {
  readonly #sessions = new Map<string, http2.ClientHttp2Session>();

  forward(x: GrpcExchange): void {
    const tls = x.backend.options.protocol === 'GRPCS';
    const headers: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(x.headers)) if (!dropped.has(k) && !(k === 'te' && v !== 'trailers')) headers[k] = v;
    Object.assign(headers, { ':method': x.req.method, ':path': x.path, ':authority': x.authority, ':scheme': tls ? 'https' : 'http' });
    let up: http2.ClientHttp2Stream;
    try {
      up = this.#session(x.endpoint, tls).request(headers);
    } catch {
      x.fail(502);
      return;
    }
    let status = 502;
    up.setTimeout(x.backend.options.readTimeoutMs, () => {
      if (!x.res.headersSent) x.fail(504);
      up.close(NGHTTP2_CANCEL);
    });
    up.on('response', (h, flags) => {
      status = Number(h[':status']) || 502;
      const out: http2.OutgoingHttpHeaders = { ...x.responseHeaders };
      // Trailers-only answer (a gRPC error without messages): status in the head, trailers after it.
      const trailersOnly = (flags & NGHTTP2_FLAG_END_STREAM) !== 0;
      const trailers: http2.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(h)) {
        if (k.charCodeAt(0) === 58 || v === undefined) continue;
        if (trailersOnly && k.startsWith('grpc-')) trailers[k] = v;
        else out[k] = k === 'set-cookie' && out[k] ? [...toArray(out[k]), ...toArray(v)] : (v as http2.OutgoingHttpHeaders[string]);
      }
      x.res.writeHead(status, out);
      if (trailersOnly) x.res.addTrailers(trailers);
    });
    up.on('trailers', (t) => {
      const trailers: http2.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(t)) if (k.charCodeAt(0) !== 58 && v !== undefined) trailers[k] = v as http2.OutgoingHttpHeaders[string];
      x.res.addTrailers(trailers);
    });
    up.pipe(x.res);
    up.on('end', () => x.done(status));
    up.on('error', () => {
      if (!x.res.headersSent) x.fail(502);
      else x.res.stream.close(NGHTTP2_INTERNAL_ERROR);
    });
    // A reset from the backend after the head was sent cannot become a status: pass the reset on.
    up.on('close', () => {
      if (up.rstCode && up.rstCode !== NGHTTP2_CANCEL && x.res.headersSent && !x.res.writableEnded) x.res.stream.close(up.rstCode);
    });
    // The client cancelled (or went away): cancel the backend stream too.
    x.res.on('close', () => {
      if (!up.closed) up.close(NGHTTP2_CANCEL);
    });
    x.req.pipe(up);
  }

  close(): void {
    for (const s of this.#sessions.values()) s.destroy();
    this.#sessions.clear();
  }

  #session(ep: Endpoint, tls: boolean): http2.ClientHttp2Session {
    const key = `${tls ? 'tls' : 'h2c'} ${ep.key}`;
    const existing = this.#sessions.get(key);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const s = http2.connect(`${tls ? 'https' : 'http'}://${ep.key}`, tls ? { rejectUnauthorized: false, ALPNProtocols: ['h2'] } : {});
    s.on('error', () => {});
    s.on('close', () => {
      if (this.#sessions.get(key) === s) this.#sessions.delete(key);
    });
    s.setTimeout(sessionIdleMs, () => s.close());
    this.#sessions.set(key, s);
    return s;
  }
}

function toArray(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [String(v)];
}
