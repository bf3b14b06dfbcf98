/**
 * One request forwarded to a backend: pick an endpoint (round robin), borrow a pooled connection,
 * send the head and stream the body, parse the response head, stream the response body back with
 * exact framing, then return the connection to the pool. Connection failures before any response
 * byte are retried on another endpoint for requests that are safe to repeat.
 */
import type { Backend, Endpoint } from '../model.js';
import type { UpstreamConn, UpstreamOwner } from '../upstream/pool.js';
import { BodyFramer, FramingError } from './body-framer.js';
import type { ClientConnection } from './client-connection.js';
import { buildClientHead, buildUpstreamHead } from './forward-headers.js';
import { crlfcrlf, HeadError, parseResponseHead, type RequestHead, type ResponseHead } from './http-head.js';
import { cannedResponse } from './responses.js';
import { logger } from '../../common/log.js';

const log = logger('ingress');

const maxTries = 3;
/** Bodies up to this size that arrive with the head are copied next to it and sent in one write. */
const smallBodyBytes = 16 * 1024;
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const hstsHeader = 'Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n';

export class Exchange implements UpstreamOwner {
  readonly client: ClientConnection;
  readonly req: RequestHead;
  readonly backend: Backend;
  readonly requestFramer: BodyFramer;
  readonly #upstreamHead: string;
  readonly #started: number;
  readonly #hostTls: boolean;
  #conn: UpstreamConn | undefined;
  #endpoint: Endpoint | undefined;
  #tried: Endpoint[] | undefined;
  /** Request body bytes waiting for the upstream connection. */
  #queued: Buffer[] | undefined;
  #bodyBytesSent = 0;
  /** Body bytes handed to an upstream socket (queued bytes not counted: they can still go elsewhere). */
  #bodyWritten = 0;
  #resBuf: Buffer | undefined;
  #res: ResponseHead | undefined;
  #resFramer: BodyFramer | undefined;
  #resBytes = 0;
  #headSent = false;
  #tunnel = false;
  #finished = false;
  /** The upstream sent bytes after the end of its response: never reuse that connection. */
  #upstreamDirty = false;
  #waitingClientDrain = false;
  #waitingUpstreamDrain = false;
  /** Extra response header lines from the route's policy (CORS), '' when none. */
  responseHeaders = '';
  /** A Set-Cookie line left by an affinity balancer's pick (balancing/), '' when none. */
  setCookie = '';

  constructor(client: ClientConnection, req: RequestHead, backend: Backend, target: string, requestId: string, framer: BodyFramer, hostTls: boolean, started: number) {
    this.client = client;
    this.req = req;
    this.backend = backend;
    this.requestFramer = framer;
    this.#hostTls = hostTls;
    this.#started = started;
    this.#upstreamHead = buildUpstreamHead(req, {
      target,
      remoteAddress: client.remoteAddress,
      proto: client.listener.proto,
      localPort: client.listener.localPort,
      requestId,
      http10: req.minor === 0,
    });
  }

  start(): void {
    // Hook: backends with load-balancing annotations choose with their own balancer (balancing/).
    const balancer = this.backend.balancer;
    const ep = balancer === null ? this.client.plane.pickEndpoint(this.backend, this.#tried) : balancer.pick(this, this.#tried);
    if (!ep) {
      this.#fail(502);
      return;
    }
    this.#endpoint = ep;
    const conn = this.client.plane.pools.acquire(ep, this.backend.options.protocol === 'HTTPS', this);
    this.#conn = conn;
    this.client.deadline = this.client.plane.now + (conn.connected ? this.backend.options.readTimeoutMs : this.backend.options.connectTimeoutMs);
    if (conn.connected) this.onUpstreamConnect(conn);
  }

  onUpstreamConnect(conn: UpstreamConn): void {
    if (conn !== this.#conn || this.#finished) return;
    const s = conn.socket;
    this.client.deadline = this.client.plane.now + this.backend.options.readTimeoutMs;
    const queued = this.#queued;
    this.#queued = undefined;
    if (!queued) {
      if (!s.write(this.#upstreamHead, 'latin1')) this.#pauseClientForUpstream();
      return;
    }
    s.cork();
    s.write(this.#upstreamHead, 'latin1');
    let ok = true;
    for (const b of queued) {
      ok = s.write(b);
      this.#bodyWritten += b.length;
    }
    s.uncork();
    if (!ok) this.#pauseClientForUpstream();
    else if (this.#waitingUpstreamDrain) {
      // The client was paused while its body queued up waiting for this connection.
      this.#waitingUpstreamDrain = false;
      this.client.socket.resume();
    }
  }

  sendBody(chunk: Buffer): void {
    if (this.#finished) return;
    const max = this.backend.options.maxBodyBytes;
    if (max > 0 && this.requestFramer.dataBytes > max) {
      this.abortRequest(413, 'request body too large');
      return;
    }
    this.#bodyBytesSent += chunk.length;
    const conn = this.#conn;
    if (!conn || !conn.connected) {
      (this.#queued ??= []).push(chunk);
      if (this.#bodyBytesSent > 64 * 1024) this.#pauseClientForUpstream();
      return;
    }
    this.#bodyWritten += chunk.length;
    if (!conn.socket.write(chunk)) this.#pauseClientForUpstream();
  }

  requestBodyDone(): void {
    if (this.#finished) return;
    // From here on the clock that matters is the backend's answer, not the client's upload.
    this.client.deadline = this.client.plane.now + (this.#conn?.connected ? this.backend.options.readTimeoutMs : this.backend.options.connectTimeoutMs);
    if (this.#res && this.#resFramer?.done) this.#complete();
  }

  #pauseClientForUpstream(): void {
    this.#waitingUpstreamDrain = true;
    this.client.socket.pause();
  }

  onUpstreamDrain(): void {
    if (this.#tunnel) {
      this.client.socket.resume();
      return;
    }
    if (this.#waitingUpstreamDrain) {
      this.#waitingUpstreamDrain = false;
      this.client.socket.resume();
    }
  }

  onClientDrain(): void {
    if (this.#waitingClientDrain) {
      this.#waitingClientDrain = false;
      this.#conn?.socket.resume();
    }
  }

  onUpstreamData(chunk: Buffer): boolean {
    if (this.#finished) {
      this.#upstreamDirty = true;
      return false;
    }
    this.client.deadline = this.client.plane.now + this.backend.options.readTimeoutMs;
    this.#readBuffer = chunk.buffer;
    this.#keptReadBuffer = false;
    if (this.#tunnel) this.#toClient(chunk);
    else if (!this.#res) {
      this.#resBuf = this.#resBuf ? Buffer.concat([this.#resBuf, chunk]) : chunk;
      this.#readResponseHeads();
    } else this.#forwardResponseBody(chunk, 0);
    // A partial head kept for the next read must not point into the pool's reusable read buffer.
    if (this.#resBuf && this.#resBuf.buffer === chunk.buffer) this.#resBuf = Buffer.from(this.#resBuf);
    this.#readBuffer = undefined;
    return this.#keptReadBuffer;
  }

  #readResponseHeads(): void {
    for (;;) {
      const buf = this.#resBuf!;
      const end = buf.indexOf(crlfcrlf);
      if (end < 0) {
        if (buf.length > this.client.plane.limits.maxHeadBytes) this.#upstreamFailed('protocol', 502);
        return;
      }
      let res: ResponseHead;
      try {
        res = parseResponseHead(buf.toString('latin1', 0, end), this.client.plane.limits);
      } catch (err) {
        if (!(err instanceof HeadError)) throw err;
        this.#upstreamFailed('protocol', 502);
        return;
      }
      const rest = buf.subarray(end + 4);
      this.#resBuf = rest.length ? rest : undefined;
      if (res.status >= 100 && res.status < 200 && res.status !== 101) {
        // 100 Continue and friends: relay and read the final head.
        this.client.socket.write(buildClientHead(res, true, '').replace(/Connection: keep-alive\r\n\r\n$/, '\r\n'), 'latin1');
        if (!this.#resBuf) return;
        continue;
      }
      this.#onResponseHead(res);
      return;
    }
  }

  #onResponseHead(res: ResponseHead): void {
    this.#res = res;
    const req = this.req;
    if (res.status === 101) {
      if (req.upgrade === undefined) {
        this.#upstreamFailed('protocol', 502);
        return;
      }
      this.#headSent = true;
      this.#tunnel = true;
      this.client.socket.write(buildClientHead(res, false, ''), 'latin1');
      this.#logDone(101);
      const rest = this.#resBuf;
      this.#resBuf = undefined;
      if (rest) this.#toClient(rest);
      this.client.enterTunnel();
      return;
    }
    const noBody = req.method === 'HEAD' || res.status === 204 || res.status === 304;
    const framer = noBody ? new BodyFramer('length', 0) : res.chunked ? new BodyFramer('chunked') : res.contentLength >= 0 ? new BodyFramer('length', res.contentLength) : new BodyFramer('close');
    this.#resFramer = framer;
    const untilClose = !noBody && !res.chunked && res.contentLength < 0;
    const keepAlive = !req.close && !untilClose && this.requestFramer.done;
    const extra = (this.client.listener.proto === 'https' && this.#hostTls ? hstsHeader : '') + this.responseHeaders + this.setCookie;
    const head = buildClientHead(res, keepAlive, extra);
    this.#headSent = true;
    this.#keepAliveClient = keepAlive;
    const rest = this.#resBuf;
    this.#resBuf = undefined;
    const s = this.client.socket;
    if (rest && rest.length <= smallBodyBytes && !framer.done) {
      // The common small response: head and body leave in one buffer, one write() (no writev).
      this.#writeHeadWithBody(head, rest, framer);
    } else if (rest) {
      s.cork();
      s.write(head, 'latin1');
      this.#resBytes += head.length;
      this.#forwardResponseBody(rest, 0);
      s.uncork();
    } else {
      s.write(head, 'latin1');
      this.#resBytes += head.length;
      if (framer.done) this.#maybeComplete();
    }
  }

  #keepAliveClient = false;
  /** The buffer of the upstream read being handled: the pool reuses it unless a write kept it. */
  #readBuffer: ArrayBufferLike | undefined;
  #keptReadBuffer = false;

  #writeHeadWithBody(head: string, rest: Buffer, framer: BodyFramer): void {
    let n: number;
    try {
      n = framer.consume(rest, 0);
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      this.#upstreamFailed('protocol', 502);
      return;
    }
    const out = Buffer.allocUnsafe(head.length + n);
    out.write(head, 0, 'latin1');
    rest.copy(out, head.length, 0, n);
    this.#toClient(out);
    if (n < rest.length) this.#upstreamDirty = true;
    if (framer.done) this.#maybeComplete();
  }

  #forwardResponseBody(chunk: Buffer, start: number): void {
    const framer = this.#resFramer!;
    let n: number;
    try {
      n = framer.consume(chunk, start);
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      // Part of the response is already out: the only honest signal left is closing.
      this.#upstreamFailed('protocol', 502);
      return;
    }
    if (n > 0) this.#toClient(start === 0 && n === chunk.length ? chunk : chunk.subarray(start, start + n));
    if (start + n < chunk.length) this.#upstreamDirty = true;
    if (framer.done) this.#maybeComplete();
  }

  #toClient(chunk: Buffer): void {
    this.#resBytes += chunk.length;
    const s = this.client.socket;
    // Does the socket still reference `chunk` once write() returns? It does when the write waits
    // behind earlier ones or a cork, and on plain TCP while the kernel has not taken all of it. A
    // TLS socket never does otherwise: Node's TLSWrap encrypts at once (and copies what it cannot
    // encrypt yet), but its writes all complete asynchronously, so writableLength alone would say
    // "kept" after every write and cost a fresh 64 KiB read buffer per response.
    const behind = s.writableLength > 0 || s.writableCorked > 0;
    const ok = s.write(chunk);
    if (chunk.buffer === this.#readBuffer && (behind || (this.client.listener.proto === 'http' && s.writableLength > 0))) this.#keptReadBuffer = true;
    if (!ok && !this.#waitingClientDrain) {
      this.#waitingClientDrain = true;
      this.#conn?.socket.pause();
    }
  }

  #maybeComplete(): void {
    // The response may end before the request body does (e.g. an early 413 from the backend).
    if (this.requestFramer.done) this.#complete();
    else {
      this.#keepAliveClient = false;
      this.#upstreamDirty = true;
      this.#complete();
    }
  }

  #complete(): void {
    if (this.#finished) return;
    this.#finished = true;
    const conn = this.#conn!;
    const res = this.#res!;
    const reusable = !this.#upstreamDirty && !res.close && res.minor === 1 && this.req.minor === 1 && this.requestFramer.done && this.#resFramer?.done === true && !conn.socket.destroyed;
    if (this.#waitingClientDrain) conn.socket.resume();
    if (reusable) this.client.plane.pools.release(conn);
    else this.client.plane.pools.discard(conn);
    this.#conn = undefined;
    // Hook: latency-aware balancers (EWMA) learn from each completed exchange.
    this.backend.balancer?.observe?.(this.#endpoint!, performance.now() - this.#started);
    this.#logDone(res.status);
    this.client.exchangeDone(this.#keepAliveClient);
  }

  #logDone(status: number): void {
    this.client.logRequest(this.req, status, this.backend, this.#endpoint?.key, this.#started, this.#resBytes);
  }

  onUpstreamClose(conn: UpstreamConn, err: Error | undefined): void {
    if (conn !== this.#conn || this.#finished) return;
    if (this.#tunnel) {
      this.#finished = true;
      this.client.endGracefully();
      return;
    }
    if (this.#res && this.#resFramer && !this.#resFramer.done) {
      // Close-delimited bodies end exactly here; anything else was cut short.
      if (isUntilClose(this.#res, this.req)) {
        this.#upstreamDirty = true;
        this.#keepAliveClient = false;
        this.#complete();
        return;
      }
      this.#upstreamFailed('reset', 502);
      return;
    }
    this.#upstreamFailed(conn.connected ? 'reset' : 'connect', 502, err);
  }

  /** Stale keep-alive or a dead endpoint: try another endpoint while nothing has been answered. */
  #upstreamFailed(reason: 'connect' | 'reset' | 'timeout' | 'protocol', status: number, err?: Error): void {
    const conn = this.#conn;
    if (err) log.debug('upstream failed', { backend: this.backend.id, endpoint: this.#endpoint?.key, reason, err });
    this.client.plane.metrics.upstreamError(this.backend, reason);
    if (conn) this.client.plane.pools.discard(conn);
    this.#conn = undefined;
    if (this.#finished) return;
    if (!this.#headSent && !this.#resBuf && this.#canRetry(reason, conn)) {
      (this.#tried ??= []).push(this.#endpoint!);
      if (this.#tried.length < maxTries) {
        this.#res = undefined;
        this.start();
        return;
      }
      // Every endpoint tried but a stale pooled connection: one fresh attempt is still fair.
    }
    this.#fail(status);
  }

  #canRetry(reason: string, conn: UpstreamConn | undefined): boolean {
    if (reason === 'protocol' || reason === 'timeout') return false;
    // Nothing reached any backend (connect refused, e.g. a Pod shutting down): safe for every method.
    if (reason === 'connect' && this.#bodyWritten === 0) return true;
    const noBody = this.#bodyBytesSent === 0 && this.requestFramer.done;
    if (!noBody) return false;
    // A reused connection closing before answering is the classic keep-alive race: safe to repeat.
    return idempotent.has(this.req.method) || (conn?.reused ?? false) || reason === 'connect';
  }

  #fail(status: number): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#conn) this.client.plane.pools.discard(this.#conn);
    this.#conn = undefined;
    if (this.#headSent) {
      this.client.destroy();
      return;
    }
    const keepAlive = !this.req.close && this.requestFramer.done;
    this.client.socket.write(cannedResponse(status, { close: !keepAlive, head: this.req.method === 'HEAD' }), 'latin1');
    this.client.logRequest(this.req, status, this.backend, this.#endpoint?.key, this.#started, 0);
    this.client.exchangeDone(keepAlive);
  }

  /** The request itself is bad (framing, size, timeout): answer if possible, then close. */
  abortRequest(status: number, _reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#conn) this.client.plane.pools.discard(this.#conn);
    this.#conn = undefined;
    if (!this.#headSent && this.client.socket.writable) this.client.socket.write(cannedResponse(status, { close: true }), 'latin1');
    this.client.logRequest(this.req, status, this.backend, this.#endpoint?.key, this.#started, 0);
    this.client.exchangeDone(false);
  }

  onDeadline(): void {
    if (this.#finished) return;
    if (!this.#conn?.connected) {
      this.client.plane.metrics.upstreamError(this.backend, 'timeout');
      const conn = this.#conn;
      if (conn) this.client.plane.pools.discard(conn);
      this.#conn = undefined;
      if (this.#bodyWritten === 0) {
        (this.#tried ??= []).push(this.#endpoint!);
        if (this.#tried.length < maxTries && this.#tried.length < this.backend.endpoints.length) {
          this.start();
          return;
        }
      }
      this.#fail(504);
      return;
    }
    this.client.plane.metrics.upstreamError(this.backend, 'timeout');
    this.#fail(504);
  }

  tunnelFromClient(chunk: Buffer): void {
    const conn = this.#conn;
    if (!conn) return;
    if (!conn.socket.write(chunk)) this.client.socket.pause();
  }

  clientEnded(): void {
    this.#conn?.socket.end();
  }

  /** The client went away: drop the upstream connection (its response has nowhere to go). */
  clientGone(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#conn) this.client.plane.pools.discard(this.#conn);
    this.#conn = undefined;
    if (!this.#tunnel) this.client.plane.metrics.observe(this.backend, 499, (performance.now() - this.#started) / 1000, this.#resBytes);
  }
}

function isUntilClose(res: ResponseHead, req: RequestHead): boolean {
  return req.method !== 'HEAD' && res.status !== 204 && res.status !== 304 && !res.chunked && res.contentLength < 0;
}
