/**
 * The listeners. Both are plain TCP servers whose accepted sockets go to a connection handler:
 * HTTP straight to the fast path, HTTPS through a (non-listening) tls.Server for the handshake
 * (SNI certificates from the CertStore, ALPN h2 → http2, http/1.1 → the same fast path). Keeping
 * the TCP server separate lets extra worker processes accept on the same socket (workers.ts).
 */
import net from 'node:net';
import tls from 'node:tls';
import { SvcnetError } from '../common/errors.js';
import { ClientConnection, type ListenerInfo } from './proxy/client-connection.js';
import type { DataPlane } from './proxy/plane.js';
import { tlsServerDefaults, type CertStore } from './tls/cert-store.js';
import { H2Handler } from './tls/h2.js';

export interface HostPort {
  host: string;
  port: number;
}

export function parseListen(s: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(s.trim());
  if (!m || Number(m[3]) > 65535) throw new SvcnetError('InvalidArgument', `ingress: listen address ${JSON.stringify(s)} is not HOST:PORT`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port: Number(m[3]) };
}

/** Accepted sockets of one listener, and how to stop serving them. */
export interface ConnectionHandler {
  onConnection(socket: net.Socket): void;
  /** Plain HTTP only: serves a just-accepted TCP handle, see acceptDirect. */
  adoptHandle?(clientHandle: object): net.Socket;
  /** Destroys every connection this handler owns. */
  close(): void;
}

export function listenTcp(at: HostPort): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  server.on('error', () => {});
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: at.host, port: at.port, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

/**
 * Plain client reads without the Readable stream: every plain connection reads into one buffer
 * shared by all of them (net.Socket's `onread`), and each read goes to its connection
 * synchronously, instead of a 64 KiB allocation, a Buffer and a stream push per read. Sharing is
 * safe because a read's callback runs before any other read into the buffer, and ClientConnection
 * copies whatever it keeps beyond the callback. A socket accepted by a net.Server has no public
 * `onread` option (only sockets that connect do), hence acceptDirect / rewrapAccepted.
 */
const sharedReadBuffer = Buffer.allocUnsafe(64 * 1024);

/** The undocumented parts of net.js used here (present since Node 0.x). */
type HandleSocket = net.Socket & { _handle?: { reading?: boolean } | null; _server?: net.Server | null; server?: net.Server | null };
interface ListeningHandle {
  onconnection?: (this: ListeningHandle, err: number, clientHandle: object | undefined) => void;
}
type ServerInternals = net.Server & { _handle?: ListeningHandle | null; _connections?: number; keepAlive?: boolean; noDelay?: boolean; allowHalfOpen?: boolean };

function socketWithSharedBuffer(handle: object, onRead: (chunk: Buffer) => void): HandleSocket {
  return new net.Socket({
    handle,
    allowHalfOpen: true,
    onread: {
      buffer: sharedReadBuffer,
      callback: (n: number) => {
        onRead(sharedReadBuffer.subarray(0, n));
        return true;
      },
    },
  } as net.SocketConstructorOpts) as HandleSocket;
}

/**
 * Moves a socket the server accepted, not yet read from (the HTTP server pauses on connect, see
 * pauseOnConnect), onto a second net.Socket that has `onread`, made by `adopt` from its handle.
 * Used for connections that reach `connection` listeners (acceptDirect not installed, or it
 * declined); false when the socket lacks the fields this needs or already read: it is then used as
 * it is.
 */
function rewrapAccepted(accepted: net.Socket, adopt: (clientHandle: object) => net.Socket): boolean {
  const old = accepted as HandleSocket;
  const handle = old._handle;
  if (!handle || handle.reading || old.bytesRead > 0 || old.readableLength > 0 || !('_server' in old)) return false;
  const socket = adopt(handle) as HandleSocket;
  // The server counts its connections through the socket it created; hand that over, so that
  // server.close() still sees this connection end.
  socket.server = socket._server = old._server ?? null;
  old._server = null;
  return true;
}

/**
 * One net.Socket per accepted connection instead of two: Node's accept callback (the listening
 * handle's `onconnection`) builds a net.Socket for every connection, which rewrapAccepted would
 * then replace; that first socket was ≈7 % of the busy samples with `Connection: close` traffic,
 * and skipping it cut the CPU per such request by 9-14 % (ingress/README.md). This replaces the
 * callback with one that builds the `onread` socket straight from the accepted handle and does the
 * rest of what Node's does that this server uses: TCP_NODELAY, the server's connection count
 * (`_connections`, decremented by net.Socket on destroy, which server.close() waits for) and the
 * socket's `server`. Anything else — an accept error, `maxConnections` reached, TCP keep-alive
 * asked for, or a net.js without these fields — goes to Node's own callback (then `connection`
 * listeners and rewrapAccepted). Not emitted for adopted sockets: the server's `connection` event and the net.server.socket diagnostics channel.
 * The callback lives on the listening handle, so it goes with it on server.close(); in worker
 * processes (workers.ts) each process's server has its own handle object for the shared socket.
 */
function acceptDirect(server: net.Server, adopt: (clientHandle: object) => net.Socket): boolean {
  const s = server as ServerInternals;
  const listening = s._handle;
  const nodeAccept = listening?.onconnection;
  if (!listening || typeof nodeAccept !== 'function' || typeof s._connections !== 'number' || nodeAccept.length !== 2) return false;
  listening.onconnection = function (err, clientHandle) {
    if (err || !clientHandle || s.keepAlive || (s.maxConnections && s._connections! >= s.maxConnections)) {
      nodeAccept.call(this, err, clientHandle);
      return;
    }
    const socket = adopt(clientHandle) as HandleSocket;
    if (s.noDelay) socket.setNoDelay(true);
    s._connections!++;
    socket.server = socket._server = server;
  };
  return true;
}

/** Makes the HTTP server hand over sockets not yet read from, for rewrapAccepted. */
export function pauseOnConnect(server: net.Server): void {
  (server as net.Server & { pauseOnConnect: boolean }).pauseOnConnect = true;
}

export function httpHandler(plane: DataPlane, listener: ListenerInfo): ConnectionHandler {
  /** A connection on the shared read buffer, from an accepted TCP handle. */
  const adoptHandle = (clientHandle: object): net.Socket => {
    let conn: ClientConnection | undefined;
    const socket = socketWithSharedBuffer(clientHandle, (chunk) => conn!.onBorrowedRead(chunk));
    conn = new ClientConnection(socket, plane, listener, sharedReadBuffer);
    return socket;
  };
  return {
    onConnection(accepted) {
      if (rewrapAccepted(accepted, adoptHandle)) return;
      new ClientConnection(accepted, plane, listener);
      // A socket the server paused on connect and that could not be re-wrapped starts reading here.
      if (accepted.isPaused()) accepted.resume();
    },
    adoptHandle,
    close() {
      // Every plain connection is a ClientConnection from its first moment, listed in plane.live
      // until its socket closes: no set of its own per handler (one less add, delete and `close`
      // listener per connection).
      for (const d of plane.live) if (d instanceof ClientConnection && d.listener === listener) d.destroy();
    },
  };
}

export function httpsHandler(plane: DataPlane, certs: CertStore, listener: ListenerInfo): ConnectionHandler {
  const sockets = new Set<net.Socket>();
  let h2: H2Handler | undefined;
  const tlsServer = tls.createServer({
    ...tlsServerDefaults,
    allowHalfOpen: true,
    cert: certs.defaultPem.cert,
    key: certs.defaultPem.key,
    SNICallback: certs.sniCallback,
    ALPNProtocols: ['h2', 'http/1.1'],
    sessionTimeout: 600,
    handshakeTimeout: 10_000,
  });
  tlsServer.on('secureConnection', (socket: tls.TLSSocket) => {
    if (socket.alpnProtocol === 'h2') (h2 ??= new H2Handler(plane, listener.localPort)).accept(socket);
    else new ClientConnection(socket, plane, listener);
  });
  tlsServer.on('tlsClientError', () => {});
  // Clients without SNI never reach the SNICallback: they get the server's own context.
  const stopFollowing = certs.onDefaultChange((pem) => tlsServer.setSecureContext({ ...tlsServerDefaults, cert: pem.cert, key: pem.key }));
  return {
    onConnection(socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.setNoDelay(true);
      tlsServer.emit('connection', socket);
    },
    close() {
      stopFollowing();
      h2?.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/** Feeds a TCP server's connections to a handler; close() stops accepting and cuts what is left. */
export function serve(server: net.Server, handler: ConnectionHandler): () => Promise<void> {
  server.on('connection', (socket) => handler.onConnection(socket));
  if (handler.adoptHandle) acceptDirect(server, handler.adoptHandle);
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      handler.close();
    }));
}
