/**
 * One client connection (plain TCP or TLS): reads request heads, routes, and runs one Exchange at
 * a time (pipelined requests wait in `pending`). Responses the proxy makes itself (404, 308, 4xx
 * errors) are written here; everything that talks to a backend lives in exchange.ts.
 */
import type { Socket } from 'node:net';
import { logger } from '../../common/log.js';
import { matchRequest, normalizeHost, normalizePath, rewritePath } from '../router/match.js';
import { BodyFramer, FramingError } from './body-framer.js';
import { Exchange } from './exchange.js';
import { crlfcrlf, HeadError, parseRequestHead, type RequestHead } from './http-head.js';
import type { DataPlane, Deadline } from './plane.js';
import { cannedResponse, redirectToHttps } from './responses.js';
import { newRequestId } from './forward-headers.js';
import { headerLines } from '../policies/policy.js';
import { renderAnswer } from '../policies/answer.js';

const log = logger('ingress');

/** Pipelined bytes held while a request is in flight before reading from the client pauses. */
const maxPendingBytes = 64 * 1024;
/** How long a closing connection may take to flush its last response before it is cut. */
const lingerMs = 5000;

type Phase = 'idle' | 'head' | 'body' | 'wait' | 'tunnel' | 'closed';

export interface ListenerInfo {
  proto: 'http' | 'https';
  localPort: number;
  /** Port to redirect HTTP requests of TLS hosts to. */
  httpsPort: number;
  hsts: string;
}

export class ClientConnection implements Deadline {
  readonly socket: Socket;
  readonly plane: DataPlane;
  readonly listener: ListenerInfo;
  readonly remoteAddress: string;
  phase: Phase = 'idle';
  deadline = 0;
  #pending: Buffer | undefined;
  /** Where the CRLFCRLF search resumes in #pending (no quadratic rescans on slow heads). */
  #scanFrom = 0;
  exchange: Exchange | undefined;
  #clientEnded = false;
  #pausedForPending = false;

  /**
   * Reads arrive in a buffer shared by every connection (server.ts socketWithSharedBuffer), valid
   * only during onBorrowedRead: whatever is kept longer is copied first (see #own).
   */
  readonly #borrowed: ArrayBufferLike | undefined;

  constructor(socket: Socket, plane: DataPlane, listener: ListenerInfo, sharedReadBuffer?: Buffer) {
    this.socket = socket;
    this.plane = plane;
    this.listener = listener;
    const remote = socket.remoteAddress ?? '';
    this.remoteAddress = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
    // TCP_NODELAY is already set by the listener (server option, or the HTTPS handler).
    plane.live.add(this);
    this.deadline = plane.now + plane.timeouts.headerMs;
    this.#borrowed = sharedReadBuffer?.buffer;
    if (!sharedReadBuffer) socket.on('data', (chunk: Buffer) => this.#guard(() => this.#onData(chunk)));
    socket.on('end', () => this.#guard(() => this.#onEnd()));
    socket.on('drain', () => this.exchange?.onClientDrain());
    socket.on('error', () => {});
    socket.on('close', () => this.#onClose());
  }

  /** A bug in one connection closes that connection, never the process. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log.error('connection failed', { err, remote: this.remoteAddress });
      this.destroy();
    }
  }

  /** A read into the shared buffer: handled now; what stays pending is copied before returning. */
  onBorrowedRead(chunk: Buffer): void {
    this.#guard(() => this.#onData(chunk));
    if (this.#pending !== undefined && this.#pending.buffer === this.#borrowed) this.#pending = Buffer.from(this.#pending);
  }

  /** `b` itself, or a copy when it lives in the shared read buffer (to hand to an upstream socket). */
  #own(b: Buffer): Buffer {
    return b.buffer === this.#borrowed ? Buffer.from(b) : b;
  }

  #onData(chunk: Buffer): void {
    switch (this.phase) {
      case 'tunnel':
        this.exchange!.tunnelFromClient(this.#own(chunk));
        return;
      case 'body':
        this.deadline = this.plane.now + this.plane.timeouts.bodyMs;
        this.#feedBody(chunk, 0);
        return;
      case 'idle':
      case 'head':
        this.#append(chunk);
        this.#drive();
        return;
      case 'wait':
        this.#append(chunk);
        if (this.#pending!.length > maxPendingBytes && !this.#pausedForPending) {
          this.#pausedForPending = true;
          this.socket.pause();
        }
        return;
      case 'closed':
        return;
    }
  }

  #append(chunk: Buffer): void {
    this.#pending = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
  }

  /** Starts as many requests from #pending as can complete without waiting on I/O. */
  #drive(): void {
    while (this.phase === 'idle' || this.phase === 'head') {
      if (!this.#pending || this.#pending.length === 0 || !this.#startNext()) break;
    }
    // The client has ended and what it left is no whole request: nothing more can come.
    if (this.#clientEnded && (this.phase === 'idle' || this.phase === 'head')) this.endGracefully();
  }

  /** Parses one head from #pending; false when more bytes are needed or the connection ended. */
  #startNext(): boolean {
    let buf = this.#pending!;
    // Empty lines before a request line are allowed (RFC 9112 §2.2).
    let skip = 0;
    while (skip + 1 < buf.length && buf[skip] === 13 && buf[skip + 1] === 10) skip += 2;
    if (skip) {
      buf = this.#pending = buf.subarray(skip);
      this.#scanFrom = 0;
    }
    const end = buf.indexOf(crlfcrlf, this.#scanFrom);
    if (end < 0) {
      if (this.phase === 'idle') {
        this.phase = 'head';
        this.deadline = this.plane.now + this.plane.timeouts.headerMs;
      }
      const limits = this.plane.limits;
      if (buf.length > limits.maxHeadBytes) this.reject(431, 'head too large');
      else if (buf.indexOf(10) < 0 && buf.length > limits.maxRequestLine) this.reject(414, 'request line too long');
      else this.#scanFrom = Math.max(0, buf.length - 3);
      return false;
    }
    if (end + 4 > this.plane.limits.maxHeadBytes) {
      this.reject(431, 'head too large');
      return false;
    }
    this.#scanFrom = 0;
    let head: RequestHead;
    try {
      head = parseRequestHead(buf.toString('latin1', 0, end), this.plane.limits);
    } catch (err) {
      if (!(err instanceof HeadError)) throw err;
      this.reject(err.status, err.message);
      return false;
    }
    const rest = buf.subarray(end + 4);
    this.#pending = rest.length ? rest : undefined;
    return this.#route(head);
  }

  /** Routes one request; true when it was answered at once (the next can start). */
  #route(head: RequestHead): boolean {
    const framer = head.chunked ? new BodyFramer('chunked') : new BodyFramer('length', head.contentLength > 0 ? head.contentLength : 0);
    const q = head.target.indexOf('?');
    const rawPath = q < 0 ? head.target : head.target.slice(0, q);
    const path = normalizePath(rawPath);
    if (path === undefined) {
      this.reject(400, 'bad request path');
      return false;
    }
    const host = normalizeHost(head.host ?? '');
    const match = matchRequest(this.plane.table, host, path);
    const isHead = head.method === 'HEAD';
    // A canned answer leaves an unread body behind: then the connection cannot be reused.
    // A half-closed client still gets every request it sent; only the last one closes.
    const close = head.close || !framer.done || (this.#clientEnded && this.#pending === undefined);
    const started = performance.now();
    if (!match) return this.#answer(cannedResponse(404, { close, head: isHead }), 404, close, head, framer, undefined, started);
    const opts = match.backend.options;
    if (this.listener.proto === 'http' && ((match.hostTls && opts.sslRedirect) || opts.forceSslRedirect)) {
      return this.#answer(redirectToHttps(host, head.target, this.listener.httpsPort, close, isHead), 308, close, head, framer, match.backend, started);
    }
    // Hook: the route's precompiled policy (CORS, rate limit, source ranges, auth, canary; see
    // ingress/policies/). null for routes without such annotations, so they pay one comparison.
    let backend = match.backend;
    let policyHeaders = '';
    if (match.policy !== null) {
      const verdict = match.policy.check({ head, remoteAddress: this.remoteAddress, proto: this.listener.proto, http2: false });
      if (verdict.kind === 'answer') return this.#answer(renderAnswer(verdict, close, isHead), verdict.status, close, head, framer, backend, started);
      backend = verdict.backend;
      policyHeaders = headerLines(verdict.responseHeaders);
    }
    if (opts.maxBodyBytes > 0 && head.contentLength > opts.maxBodyBytes) {
      return this.#answer(cannedResponse(413, { close: true, head: isHead }), 413, true, head, framer, backend, started);
    }
    if (backend.endpoints.length === 0) return this.#answer(cannedResponse(503, { close, head: isHead }), 503, close, head, framer, backend, started);
    const target = (match.route && rewritePath(match.route, path, q < 0 ? '' : head.target.slice(q + 1))) ?? head.target;
    const requestId = incomingRequestId(head) ?? newRequestId();
    this.exchange = new Exchange(this, head, backend, target, requestId, framer, match.hostTls, started);
    this.exchange.responseHeaders = policyHeaders;
    this.phase = framer.done ? 'wait' : 'body';
    this.deadline = 0;
    this.exchange.start();
    if (this.phase === 'body' && this.#pending) {
      const buf = this.#pending;
      this.#pending = undefined;
      this.#feedBody(buf, 0);
    }
    return false;
  }

  #feedBody(buf: Buffer, start: number): void {
    const ex = this.exchange!;
    let n: number;
    try {
      n = ex.requestFramer.consume(buf, start);
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      ex.abortRequest(400, err.message);
      return;
    }
    if (n > 0) ex.sendBody(this.#own(start === 0 && n === buf.length ? buf : buf.subarray(start, start + n)));
    if (ex.requestFramer.done) {
      if (this.phase === 'body') this.phase = 'wait';
      ex.requestBodyDone();
      const rest = start + n < buf.length ? buf.subarray(start + n) : undefined;
      if (rest) this.#append(rest);
    }
  }

  /** Writes a response made by the proxy and finishes the request. */
  #answer(text: string, status: number, close: boolean, head: RequestHead, framer: BodyFramer, backend: import('../model.js').Backend | undefined, started: number): boolean {
    this.socket.write(text, 'latin1');
    this.logRequest(head, status, backend, undefined, started, text.length);
    if (close) {
      this.#closeAfterResponse(framer.done);
      return false;
    }
    this.phase = 'idle';
    this.deadline = this.plane.now + this.plane.timeouts.keepAliveMs;
    return true;
  }

  /** A malformed request: answer the status, then close (the stream position is unknown). */
  reject(status: number, reason: string): void {
    log.debug('request rejected', { status, reason, remote: this.remoteAddress });
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(cannedResponse(status, { close: true }), 'latin1');
    this.plane.metrics.observe(undefined, status, 0, 0);
    this.endGracefully();
  }

  /** Called by the Exchange when its response has been fully written. */
  exchangeDone(keepAlive: boolean): void {
    const requestRead = this.exchange?.requestFramer.done ?? false;
    this.exchange = undefined;
    if (!keepAlive || (this.#clientEnded && this.#pending === undefined)) {
      this.#closeAfterResponse(requestRead);
      return;
    }
    this.phase = 'idle';
    this.deadline = this.plane.now + this.plane.timeouts.keepAliveMs;
    if (this.#pausedForPending) {
      this.#pausedForPending = false;
      this.socket.resume();
    }
    this.#drive();
  }

  enterTunnel(): void {
    this.phase = 'tunnel';
    this.deadline = 0;
    if (this.#pending) {
      const p = this.#pending;
      this.#pending = undefined;
      this.exchange!.tunnelFromClient(p);
    }
  }

  logRequest(head: RequestHead, status: number, backend: import('../model.js').Backend | undefined, upstream: string | undefined, started: number, bytes: number): void {
    const seconds = (performance.now() - started) / 1000;
    this.plane.metrics.observe(backend, status, seconds, bytes);
    const sink = this.plane.accessLog;
    if (sink) {
      sink(`${this.remoteAddress} "${head.method} ${head.target.slice(0, 512)} HTTP/1.${head.minor}" ${status} ${bytes} host=${JSON.stringify((head.host ?? '').slice(0, 256))} ingress=${backend?.ingress ?? '-'} service=${backend?.service ?? '-'} upstream=${upstream ?? '-'} duration=${seconds.toFixed(4)}`);
    }
  }

  #onEnd(): void {
    this.#clientEnded = true;
    // Half-closed clients still get their answer; close once nothing is in flight.
    if (this.phase === 'idle' || this.phase === 'head') this.endGracefully();
    else if (this.phase === 'tunnel') this.exchange?.clientEnded();
  }

  onDeadline(): void {
    switch (this.phase) {
      case 'closed':
        this.destroy();
        return;
      case 'idle':
        this.endGracefully();
        return;
      case 'head':
        this.reject(408, 'request head timeout');
        return;
      case 'body':
        this.exchange?.abortRequest(408, 'request body timeout');
        return;
      default:
        this.exchange?.onDeadline();
    }
  }

  /**
   * Closes after the last response. When nothing more can come from the client (its request read
   * to the end, nothing pipelined behind it, the response wholly handed to the kernel), the socket
   * is closed at once, as nginx does with `lingering_close on`: that saves a shutdown(), the wait
   * for the client's FIN and one more event per connection — a large part of what a
   * `Connection: close` request costs. Otherwise, and over TLS (close_notify goes out with end()),
   * the connection lingers in endGracefully.
   */
  #closeAfterResponse(requestRead: boolean): void {
    if (requestRead && this.#pending === undefined && this.listener.proto === 'http' && this.socket.writableLength === 0) this.destroy();
    else this.endGracefully();
  }

  endGracefully(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.socket.end();
    // A client that never reads must not hold the socket forever: the sweeper destroys it later.
    this.deadline = this.plane.now + lingerMs;
  }

  destroy(): void {
    this.phase = 'closed';
    this.plane.live.delete(this);
    this.socket.destroy();
  }

  #onClose(): void {
    this.phase = 'closed';
    this.plane.live.delete(this);
    const ex = this.exchange;
    this.exchange = undefined;
    ex?.clientGone();
  }
}

/** The client's X-Request-ID when it is sane (ingress-nginx keeps it), else undefined. */
function incomingRequestId(head: RequestHead): string | undefined {
  const v = head.requestId;
  return v !== undefined && /^[A-Za-z0-9\-_.]{1,128}$/.test(v) ? v : undefined;
}
