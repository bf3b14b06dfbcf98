/**
 * The sockets: UDP and TCP on one address (RFC 7766: 2-byte length prefix, several queries per
 * connection, replies possibly out of order), each datagram or frame handed to the QueryHandler.
 * Nothing a client sends can throw out of here: every callback is wrapped and a bad connection is
 * only ever closed.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { logger } from '../common/log.js';
import type { QueryHandler, Reply } from './handler.js';
import type { HostPort } from './resolv-conf.js';

const log = logger('dns');

/** CoreDNS: TCP idle timeout 10 s. */
const tcpIdleMs = 10_000;
/** Queries a single TCP connection may have in flight before we stop reading from it. */
const maxTcpInFlight = 128;

export interface DnsSockets {
  readonly udpPort: number;
  readonly tcpPort: number;
  close(): Promise<void>;
}

/** Port 0 picks a free UDP port and then needs TCP on the same number, which may be taken: retry. */
const portZeroAttempts = 20;

export async function listenDns(listen: HostPort, handler: QueryHandler): Promise<DnsSockets> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await listenOnce(listen, handler);
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (listen.port !== 0 || !inUse || attempt >= portZeroAttempts) throw err;
    }
  }
}

async function listenOnce(listen: HostPort, handler: QueryHandler): Promise<DnsSockets> {
  const v6 = listen.host.includes(':');
  // Bigger socket buffers ride out bursts (the kernel caps them at net.core.rmem_max/wmem_max).
  const udp = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', reuseAddr: false, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20, lookup: literalLookup });
  udp.on('message', (msg, rinfo) => onDatagram(udp, handler, msg, rinfo));
  udp.on('error', (err) => log.warn('udp socket error', { err }));
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(listen.port, listen.host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const udpPort = udp.address().port;
  const connections = new Set<net.Socket>();
  const tcp = net.createServer((sock) => onConnection(sock, handler, connections));
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      // Port 0: TCP takes the port UDP got, so one number serves both as on port 53.
      tcp.listen({ port: listen.port || udpPort, host: listen.host }, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  tcp.on('error', (err) => log.warn('tcp server error', { err }));
  let closing: Promise<void> | undefined;
  return {
    udpPort,
    tcpPort: (tcp.address() as net.AddressInfo).port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const c of connections) c.destroy();
        tcp.close(() => resolve());
        udp.close();
      })),
  };
}

function onDatagram(udp: dgram.Socket, handler: QueryHandler, msg: Buffer, rinfo: dgram.RemoteInfo): void {
  try {
    const out = handler.handle(msg, 'udp', rinfo.family === 'IPv6' ? '2' : '1');
    if (out === null) return;
    if (!(out instanceof Promise)) {
      // No callback: Node then completes the send without a JS round trip (errors go to 'error').
      // The send happens right here (literalLookup answers synchronously); only if the kernel
      // could not take the datagram does libuv queue it, still pointing at `out`, which may be
      // the reply cache's own buffer: then the cache must stop patching it.
      udp.send(out, rinfo.port, rinfo.address);
      if (udp.getSendQueueCount() > 0) handler.keep(out);
      return;
    }
    out.then((reply) => reply && udp.send(reply, rinfo.port, rinfo.address), noop);
  } catch (err) {
    log.error('udp query failed', { err });
  }
}

function onConnection(sock: net.Socket, handler: QueryHandler, connections: Set<net.Socket>): void {
  connections.add(sock);
  sock.setNoDelay(true);
  sock.setTimeout(tcpIdleMs, () => sock.destroy());
  sock.on('error', noop);
  sock.on('close', () => connections.delete(sock));
  const family = sock.remoteFamily === 'IPv6' ? '2' : '1';
  let pending: Buffer = Buffer.alloc(0);
  let inFlight = 0;
  const write = (reply: Reply) => {
    inFlight--;
    if (sock.isPaused() && inFlight < maxTcpInFlight) sock.resume();
    if (!reply || sock.destroyed) return;
    // Copied into the frame at once: a reply from the cache is only valid until the next handle().
    const frame = Buffer.allocUnsafe(reply.length + 2);
    frame.writeUInt16BE(reply.length, 0);
    reply.copy(frame, 2);
    sock.write(frame);
  };
  sock.on('data', (chunk: Buffer) => {
    try {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        inFlight++;
        const out = handler.handle(msg, 'tcp', family);
        if (out instanceof Promise) out.then(write, () => write(null));
        else write(out);
      }
      if (inFlight >= maxTcpInFlight) sock.pause();
    } catch (err) {
      log.error('tcp query failed', { err });
      sock.destroy();
    }
  });
}

function noop(): void {}

/**
 * Replies go to rinfo.address, always an IP literal: answering the lookup synchronously skips the
 * dns.lookup path (an isIP check and a process.nextTick) that dgram runs before every send.
 */
function literalLookup(address: string, options: dns.LookupOneOptions | number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const fam = net.isIP(address);
  if (fam) callback(null, address, fam);
  // dgram passes the family as a bare number (4 or 6), whatever the type declarations say.
  else dns.lookup(address, typeof options === 'number' ? { family: options } : options, callback);
}
