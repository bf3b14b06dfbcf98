/**
 * A small upstream resolver on 127.0.0.1 for forwarding tests: answers from a table, counts what
 * it was asked, and can be told to truncate over UDP (to make the forwarder retry over TCP).
 * It records; it does not re-implement the server under test.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { Rcode, type Answer, type RR } from '../rr.js';
import { parseQuery } from '../wire-read.js';
import { encodeReply } from '../wire-write.js';

export interface FakeUpstream {
  readonly port: number;
  /** `name type` (lower case) → times asked, UDP and TCP together. */
  readonly asked: Map<string, number>;
  readonly tcpAsked: Map<string, number>;
  set(name: string, type: number, answer: Partial<Answer>): void;
  truncateOverUdp(name: string): void;
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const table = new Map<string, Answer>();
  const truncate = new Set<string>();
  const asked = new Map<string, number>();
  const tcpAsked = new Map<string, number>();
  const reply = (req: Buffer, proto: 'udp' | 'tcp'): Buffer | null => {
    const p = parseQuery(req);
    if (!p.ok) return null;
    const key = `${p.query.labels.join('.').toLowerCase()} ${p.query.qtype}`;
    asked.set(key, (asked.get(key) ?? 0) + 1);
    if (proto === 'tcp') tcpAsked.set(key, (tcpAsked.get(key) ?? 0) + 1);
    const found = table.get(key);
    const a: Answer = found ?? { rcode: Rcode.NXDOMAIN, authoritative: false, answer: [], authority: [soa(60)], additional: [] };
    const budget = proto === 'udp' && truncate.has(key.split(' ')[0]!) ? 12 + (p.query.questionEnd - 12) + 11 : 65535;
    return encodeReply(req, p.query, { ...a, recursionAvailable: true }, budget);
  };
  const conns = new Set<net.Socket>();
  const onUdp = (udp: dgram.Socket) => (msg: Buffer, r: dgram.RemoteInfo) => {
    const out = reply(msg, 'udp');
    if (out) udp.send(out, r.port, r.address);
  };
  const onTcp = (sock: net.Socket) => {
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
    let buf = Buffer.alloc(0);
    sock.on('error', () => {});
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const out = reply(buf.subarray(2, 2 + buf.readUInt16BE(0)), 'tcp');
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        if (!out) continue;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        sock.write(Buffer.concat([len, out]));
      }
    });
  };
  const { udp, tcp, port } = await bindUdpAndTcp(onUdp, onTcp);
  return {
    port,
    asked,
    tcpAsked,
    set: (name, type, answer) => table.set(`${name.toLowerCase()} ${type}`, { rcode: Rcode.NOERROR, authoritative: false, answer: [], authority: [], additional: [], ...answer }),
    truncateOverUdp: (name) => truncate.add(name.toLowerCase()),
    close: () =>
      new Promise((res) => {
        udp.close();
        for (const c of conns) c.destroy();
        tcp.close(() => res());
      }),
  };
}

export function soa(minimum: number, ttl = 3600): RR {
  return { name: 'test', ttl, type: 'SOA', mname: 'ns.test', rname: 'hostmaster.test', serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum };
}

/**
 * A UDP socket and a TCP server on one port number of 127.0.0.1. The UDP port comes from the
 * kernel; another process may hold the same number in TCP, so a few numbers are tried.
 */
async function bindUdpAndTcp(onUdp: (udp: dgram.Socket) => (msg: Buffer, r: dgram.RemoteInfo) => void, onTcp: (sock: net.Socket) => void): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = dgram.createSocket('udp4');
    udp.on('message', onUdp(udp));
    await new Promise<void>((res) => udp.bind(0, '127.0.0.1', () => res()));
    const port = udp.address().port;
    const tcp = net.createServer(onTcp);
    try {
      await new Promise<void>((res, rej) => {
        tcp.once('error', rej);
        tcp.listen(port, '127.0.0.1', () => res());
      });
      return { udp, tcp, port };
    } catch (err) {
      udp.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw err;
    }
  }
}
