/** Raw UDP/TCP DNS exchanges for protocol tests (bytes in, bytes or nothing out). */
import dgram from 'node:dgram';
import net from 'node:net';
import { questionWire } from '../forward.js';

export class UdpClient {
  readonly #sock: dgram.Socket;
  readonly #waiters = new Map<number, (b: Buffer) => void>();
  readonly replies: Buffer[] = [];

  constructor(
    readonly port: number,
    readonly host = '127.0.0.1',
  ) {
    this.#sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    this.#sock.on('message', (m) => {
      this.replies.push(m);
      if (m.length >= 2) this.#waiters.get(m.readUInt16BE(0))?.(m);
    });
  }

  send(packet: Uint8Array): void {
    this.#sock.send(packet, this.port, this.host);
  }

  /** The reply with the packet's ID, or null after `timeoutMs`. */
  exchange(packet: Uint8Array, timeoutMs = 1000): Promise<Buffer | null> {
    const id = packet.length >= 2 ? (packet[0]! << 8) | packet[1]! : -1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        resolve(null);
      }, timeoutMs);
      this.#waiters.set(id, (b) => {
        clearTimeout(timer);
        this.#waiters.delete(id);
        resolve(b);
      });
      this.send(packet);
    });
  }

  close(): void {
    this.#sock.close();
  }
}

/** One query over a fresh TCP connection. */
export function tcpExchange(port: number, packet: Uint8Array, timeoutMs = 2000, host = '127.0.0.1'): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const sock = net.connect(port, host);
    let buf = Buffer.alloc(0);
    const done = (b: Buffer | null) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(b);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(packet.length);
      sock.write(Buffer.concat([len, packet]));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('error', () => done(null));
  });
}

/** A standard query: header (RD set unless told otherwise), one question, optional OPT. */
export function query(name: string, qtype: number, opts: { id?: number; flags?: number; qdcount?: number; qclass?: number; edns?: number } = {}): Buffer {
  const q = questionWire(name, qtype);
  if (opts.qclass !== undefined) q.writeUInt16BE(opts.qclass, q.length - 2);
  const opt = opts.edns ? Buffer.from([0, 0, 41, opts.edns >> 8, opts.edns & 0xff, 0, 0, 0, 0, 0, 0]) : Buffer.alloc(0);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(opts.id ?? Math.floor(Math.random() * 0x10000), 0);
  h.writeUInt16BE(opts.flags ?? 0x0100, 2);
  h.writeUInt16BE(opts.qdcount ?? 1, 4);
  h.writeUInt16BE(opts.edns ? 1 : 0, 10);
  return Buffer.concat([h, q, opt]);
}
