/**
 * The listeners: plain HTTP and HTTPS (SNI certificates from the CertStore, ALPN h2 → http2,
 * http/1.1 → the same fast path as plain HTTP). Both read the DataPlane's current RouteTable.
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

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: net.Server, at: HostPort): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: at.host, port: at.port, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }));
}

export async function listenHttp(at: HostPort, plane: DataPlane, info: Omit<ListenerInfo, 'localPort' | 'proto'>): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const listener: ListenerInfo = { ...info, proto: 'http', localPort: at.port };
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new ClientConnection(socket, plane, listener);
  });
  server.on('error', () => {});
  const port = await listen(server, at);
  listener.localPort = port;
  return { port, close: closer(server, sockets) };
}

export async function listenHttps(at: HostPort, plane: DataPlane, certs: CertStore, info: Omit<ListenerInfo, 'localPort' | 'proto'>): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const listener: ListenerInfo = { ...info, proto: 'https', localPort: at.port };
  let h2: H2Handler | undefined;
  const server = tls.createServer({
    ...tlsServerDefaults,
    allowHalfOpen: true,
    cert: certs.fallbackPem.cert,
    key: certs.fallbackPem.key,
    SNICallback: certs.sniCallback,
    ALPNProtocols: ['h2', 'http/1.1'],
    sessionTimeout: 600,
    handshakeTimeout: 10_000,
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (socket.alpnProtocol === 'h2') (h2 ??= new H2Handler(plane, listener.localPort)).accept(socket);
    else new ClientConnection(socket, plane, listener);
  });
  server.on('tlsClientError', () => {});
  server.on('error', () => {});
  const port = await listen(server, at);
  listener.localPort = port;
  const closeServer = closer(server, sockets);
  return {
    port,
    close: async () => {
      h2?.close();
      await closeServer();
    },
  };
}
