/**
 * Forwarding to upstream resolvers (CoreDNS plugin/forward, simplified): each query goes to the
 * upstreams in turn, starting from a random one, over UDP with EDNS0 1232; a truncated UDP reply
 * is asked again over TCP. Every attempt has a timeout; when no upstream answers the caller gets
 * null and replies SERVFAIL.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { SvcnetError } from '../common/errors.js';
import { canonicalIP } from '../common/ip.js';
import type { DnsMetrics } from './metrics.js';
import { rcodeLabel } from './metrics.js';
import { formatHostPort, type HostPort } from './resolv-conf.js';
import { RRType, type Answer } from './rr.js';
import { readMessage } from './wire-read.js';

export interface ForwarderOptions {
  upstreams: readonly HostPort[];
  /** Per attempt (CoreDNS read timeout: 2 s). */
  timeoutMs?: number;
  metrics?: DnsMetrics;
}

interface Pending {
  resolve(buf: Buffer | null): void;
  timer: NodeJS.Timeout;
  upstream: string;
}

const ednsUdpSize = 1232;
const maxFails = 2;

export class Forwarder {
  readonly upstreams: readonly HostPort[];
  readonly #timeoutMs: number;
  readonly #metrics?: DnsMetrics;
  readonly #sockets = new Map<string, dgram.Socket>();
  readonly #pending = new Map<number, Pending>();
  /** Consecutive failures per upstream (`host:port`). */
  readonly #fails = new Map<string, number>();
  #closed = false;

  constructor(opts: ForwarderOptions) {
    // Canonical text, so replies (whose source address the kernel spells canonically) match.
    this.upstreams = opts.upstreams.map((u) => ({ host: canonicalIP(u.host) ?? u.host, port: u.port }));
    this.#timeoutMs = opts.timeoutMs ?? 2000;
    this.#metrics = opts.metrics;
  }

  /**
   * Asks the upstreams; `question` is the wire question (name, type, class). Null = nobody
   * answered. Upstreams that failed `maxFails` times in a row go to the back of the line until
   * one answer from them (CoreDNS max_fails 2), so a dead resolver costs one timeout, not one per query.
   */
  async query(question: Uint8Array, opts: { dnssecOk?: boolean } = {}): Promise<Answer | null> {
    if (this.#closed || this.upstreams.length === 0) return null;
    for (const up of this.#order()) {
      const to = formatHostPort(up);
      const answer = await this.#ask(up, to, question, opts.dnssecOk === true);
      if (answer) {
        this.#fails.delete(to);
        return answer;
      }
      this.#fails.set(to, (this.#fails.get(to) ?? 0) + 1);
    }
    if (this.upstreams.every((u) => (this.#fails.get(formatHostPort(u)) ?? 0) >= maxFails)) this.#metrics?.forwardBroken.inc([]);
    return null;
  }

  /** Healthy upstreams first, from a random start (CoreDNS policy random); failing ones after. */
  #order(): HostPort[] {
    const n = this.upstreams.length;
    const start = Math.floor(Math.random() * n);
    const rotated = Array.from({ length: n }, (_, i) => this.upstreams[(start + i) % n]!);
    const healthy = rotated.filter((u) => (this.#fails.get(formatHostPort(u)) ?? 0) < maxFails);
    return healthy.length === n ? rotated : [...healthy, ...rotated.filter((u) => !healthy.includes(u))];
  }

  async #ask(up: HostPort, to: string, question: Uint8Array, dnssecOk: boolean): Promise<Answer | null> {
    this.#metrics?.forwardRequests.inc([to]);
    const started = performance.now();
    let reply = await this.#udp(up, to, question, dnssecOk);
    let msg = reply ? safeRead(reply) : null;
    if (msg?.truncated) {
      reply = await this.#tcp(up, question, dnssecOk);
      msg = reply ? safeRead(reply) : null;
    }
    if (!msg) return null;
    const rcode = rcodeLabel(msg.rcode);
    this.#metrics?.forwardResponses.inc([to, rcode]);
    this.#metrics?.forwardDuration.observe(['forward', to, rcode], (performance.now() - started) / 1000);
    return {
      rcode: msg.rcode,
      authoritative: (msg.flags & 0x0400) !== 0,
      recursionAvailable: (msg.flags & 0x0080) !== 0,
      truncated: msg.truncated,
      answer: msg.answer,
      authority: msg.authority,
      additional: msg.additional,
    };
  }

  #udp(up: HostPort, to: string, question: Uint8Array, dnssecOk: boolean): Promise<Buffer | null> {
    const id = this.#freeId();
    const packet = buildQuery(id, question, dnssecOk);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(null);
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, timer, upstream: to });
      this.#socketFor(up).send(packet, up.port, up.host, (err) => {
        if (err) this.#settle(id, null);
      });
    });
  }

  #tcp(up: HostPort, question: Uint8Array, dnssecOk: boolean): Promise<Buffer | null> {
    const packet = buildQuery(this.#freeId(), question, dnssecOk);
    return new Promise((resolve) => {
      const sock = net.connect({ host: up.host, port: up.port });
      let got = Buffer.alloc(0);
      const done = (b: Buffer | null) => {
        clearTimeout(timer);
        sock.destroy();
        resolve(b);
      };
      const timer = setTimeout(() => done(null), this.#timeoutMs);
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(packet.length);
        sock.write(Buffer.concat([len, packet]));
      });
      sock.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) done(got.subarray(2, 2 + got.readUInt16BE(0)));
      });
      sock.on('error', () => done(null));
      sock.on('close', () => done(null));
    });
  }

  #socketFor(up: HostPort): dgram.Socket {
    const type = up.host.includes(':') ? 'udp6' : 'udp4';
    let s = this.#sockets.get(type);
    if (!s) {
      s = dgram.createSocket(type);
      s.on('message', (msg, rinfo) => {
        if (msg.length < 12) return;
        const p = this.#pending.get(msg.readUInt16BE(0));
        // Only the upstream we asked may answer (a spoofed reply from elsewhere is dropped).
        if (p && p.upstream === formatHostPort({ host: rinfo.address, port: rinfo.port })) this.#settle(msg.readUInt16BE(0), msg);
      });
      s.on('error', () => {});
      s.unref();
      this.#sockets.set(type, s);
    }
    return s;
  }

  #settle(id: number, buf: Buffer | null): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(buf);
  }

  #freeId(): number {
    if (this.#pending.size > 60000) throw new SvcnetError('DnsForwardBusy', 'dns/forward: too many queries in flight');
    for (;;) {
      const id = Math.floor(Math.random() * 0x10000);
      if (!this.#pending.has(id)) return id;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#pending.keys()]) this.#settle(id, null);
    for (const s of this.#sockets.values()) s.close();
    this.#sockets.clear();
  }
}

function safeRead(buf: Buffer) {
  try {
    return readMessage(buf);
  } catch {
    return null;
  }
}

/** Header (RD set) + the question + an OPT advertising 1232 bytes. */
export function buildQuery(id: number, question: Uint8Array, dnssecOk: boolean): Buffer {
  const out = Buffer.alloc(12 + question.length + 11);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x0100, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(1, 10);
  out.set(question, 12);
  const o = 12 + question.length;
  out[o] = 0;
  out.writeUInt16BE(RRType.OPT, o + 1);
  out.writeUInt16BE(ednsUdpSize, o + 3);
  out.writeUInt16BE(dnssecOk ? 0x8000 : 0, o + 7);
  return out;
}

/** The wire question for a dotted name (used to chase ExternalName targets). */
export function questionWire(name: string, qtype: number): Buffer {
  const labels = name.split('.').filter(Boolean);
  const parts: Buffer[] = [];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(qtype, 1);
  tail.writeUInt16BE(1, 3);
  return Buffer.concat([...parts, tail]);
}
