/**
 * Keep-alive connections to endpoints, one idle stack per "host:port". A connection's socket
 * listeners are attached once and call whoever currently owns it (an exchange), so handing a
 * connection from one request to the next costs nothing. Endpoints that leave the RouteTable have
 * their idle connections closed; in-flight ones finish and are then discarded, never cut.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from '../model.js';

export interface UpstreamOwner {
  onUpstreamConnect(conn: UpstreamConn): void;
  /**
   * `chunk` may live in a read buffer that is reused for the next read: returns true when it kept a
   * reference to it (e.g. a socket write that did not complete at once), so a fresh buffer is used.
   */
  onUpstreamData(chunk: Buffer): boolean;
  onUpstreamClose(conn: UpstreamConn, err: Error | undefined): void;
  onUpstreamDrain(): void;
}

export interface UpstreamConn {
  readonly socket: net.Socket;
  readonly key: string;
  owner: UpstreamOwner | null;
  /** Served a request before (a stale keep-alive connection may close under us). */
  reused: boolean;
  connected: boolean;
  idleSince: number;
  error: Error | undefined;
}

const readBufferBytes = 64 * 1024;

export interface PoolOptions {
  maxIdlePerEndpoint?: number;
  idleTimeoutMs?: number;
  /**
   * Where to really dial an endpoint. Tests only: the API refuses loopback endpoint addresses, so
   * end-to-end tests publish documentation addresses and map them back to 127.0.0.1 here.
   */
  dialAddress?: (host: string, port: number) => { host: string; port: number };
}

export class UpstreamPools {
  readonly #idle = new Map<string, UpstreamConn[]>();
  /** Endpoint keys of the current RouteTable; others are not pooled any more. */
  #live: ReadonlySet<string> | undefined;
  readonly #maxIdle: number;
  readonly #dial: PoolOptions['dialAddress'];
  readonly #idleTimeoutMs: number;
  readonly #sweep: NodeJS.Timeout;
  #closed = false;
  /** Every open upstream socket, for close(). */
  readonly #all = new Set<UpstreamConn>();

  constructor(opts: PoolOptions = {}) {
    this.#maxIdle = opts.maxIdlePerEndpoint ?? 320;
    this.#dial = opts.dialAddress;
    this.#idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
    this.#sweep = setInterval(() => this.#closeExpired(), Math.min(5000, this.#idleTimeoutMs)).unref();
  }

  get openCount(): number {
    return this.#all.size;
  }

  /** An idle connection (LIFO, the warmest) or a new one; `connected` says which. */
  acquire(ep: Endpoint, https: boolean, owner: UpstreamOwner): UpstreamConn {
    const key = https ? `tls:${ep.key}` : ep.key;
    const stack = this.#idle.get(key);
    const conn = stack?.pop();
    if (conn) {
      conn.owner = owner;
      return conn;
    }
    return this.#connect(ep, key, https, owner);
  }

  release(conn: UpstreamConn): void {
    conn.owner = null;
    if (this.#closed || conn.socket.destroyed || (this.#live && !this.#live.has(conn.key.startsWith('tls:') ? conn.key.slice(4) : conn.key))) {
      conn.socket.destroy();
      return;
    }
    let stack = this.#idle.get(conn.key);
    if (!stack) this.#idle.set(conn.key, (stack = []));
    if (stack.length >= this.#maxIdle) {
      conn.socket.destroy();
      return;
    }
    conn.reused = true;
    conn.idleSince = Date.now();
    stack.push(conn);
  }

  discard(conn: UpstreamConn): void {
    conn.owner = null;
    conn.socket.destroy();
  }

  /** Called on every RouteTable swap: idle connections to endpoints no longer present are closed. */
  retain(liveKeys: ReadonlySet<string>): void {
    this.#live = liveKeys;
    for (const [key, stack] of this.#idle) {
      if (liveKeys.has(key.startsWith('tls:') ? key.slice(4) : key)) continue;
      this.#idle.delete(key);
      for (const c of stack) c.socket.destroy();
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweep);
    for (const c of this.#all) c.socket.destroy();
    this.#idle.clear();
  }

  #connect(ep: Endpoint, key: string, https: boolean, owner: UpstreamOwner): UpstreamConn {
    const at = this.#dial ? this.#dial(ep.host, ep.port) : ep;
    let conn: UpstreamConn;
    // Plain connections read into one reusable buffer (`onread`): no per-read allocation and no
    // Readable stream bookkeeping on the hottest path. TLS sockets have no such option.
    let readBuf = Buffer.allocUnsafe(readBufferBytes);
    const onread = {
      buffer: () => readBuf,
      callback: (n: number, buf: Uint8Array): boolean => {
        const owner = conn.owner;
        if (!owner) {
          socket.destroy(); // an idle connection must not talk
          return false;
        }
        if (owner.onUpstreamData((buf as Buffer).subarray(0, n))) readBuf = Buffer.allocUnsafe(readBufferBytes);
        return true;
      },
    };
    const socket = https ? tls.connect({ host: at.host, port: at.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }) : net.connect({ host: at.host, port: at.port, onread });
    conn = { socket, key, owner, reused: false, connected: false, idleSince: 0, error: undefined };
    this.#all.add(conn);
    socket.setNoDelay(true);
    socket.on(https ? 'secureConnect' : 'connect', () => {
      conn.connected = true;
      conn.owner?.onUpstreamConnect(conn);
    });
    if (https) {
      socket.on('data', (chunk: Buffer) => {
        if (conn.owner) conn.owner.onUpstreamData(chunk);
        else socket.destroy();
      });
    }
    socket.on('drain', () => conn.owner?.onUpstreamDrain());
    socket.on('error', (err) => (conn.error = err));
    socket.on('close', () => {
      this.#all.delete(conn);
      const owner = conn.owner;
      conn.owner = null;
      if (owner) owner.onUpstreamClose(conn, conn.error);
      else this.#forgetIdle(conn);
    });
    return conn;
  }

  #forgetIdle(conn: UpstreamConn): void {
    const stack = this.#idle.get(conn.key);
    const i = stack ? stack.indexOf(conn) : -1;
    if (i >= 0) stack!.splice(i, 1);
  }

  #closeExpired(): void {
    const limit = Date.now() - this.#idleTimeoutMs;
    for (const stack of this.#idle.values()) {
      while (stack.length > 0 && stack[0].idleSince < limit) stack.shift()!.socket.destroy();
    }
  }
}
