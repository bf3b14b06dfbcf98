/**
 * Reading DNS wire format: the strict query parser the server runs on every packet (miekg's
 * accept rules decide drop / FORMERR / NOTIMP) and a message reader for upstream replies. Both
 * bounds-check every read and report malformed input as values, never by throwing past their edge.
 */
import { formatIP } from '../common/ip.js';
import { Rcode, RRType, type RR } from './rr.js';

export const headerLength = 12;
/** Names are at most 255 octets on the wire. */
const maxNameLength = 255;
/** Compression pointers followed per name before giving up (loops). */
const maxPointers = 64;

export interface Edns {
  /** The client's UDP payload size as sent. */
  readonly udpSize: number;
  readonly dnssecOk: boolean;
  readonly version: number;
}

export interface Query {
  readonly id: number;
  readonly opcode: number;
  /** The request's flag word: RD and CD are echoed from it. */
  readonly flags: number;
  /** Labels as received; a label holding a literal dot or backslash is escaped (`\.`, `\\`). */
  readonly labels: string[];
  readonly qtype: number;
  readonly qclass: number;
  /** End of the question section: bytes 12..questionEnd are echoed verbatim. */
  readonly questionEnd: number;
  readonly edns: Edns | null;
}

export type ParseResult =
  | { ok: true; query: Query }
  /** No reply at all: too short to carry an ID, or a response (QR set) — replying invites amplification. */
  | { ok: false; reply: false }
  /** A header-only error reply (FORMERR, NOTIMP) with the request's ID and opcode. */
  | { ok: false; reply: true; id: number; opcode: number; flags: number; rcode: number };

export class WireError extends Error {}

export function parseQuery(buf: Uint8Array): ParseResult {
  if (buf.length < headerLength) return { ok: false, reply: false };
  const id = (buf[0]! << 8) | buf[1]!;
  const flags = (buf[2]! << 8) | buf[3]!;
  if (flags & 0x8000) return { ok: false, reply: false };
  const opcode = (flags >> 11) & 0xf;
  const fail = (rcode: number): ParseResult => ({ ok: false, reply: true, id, opcode, flags, rcode });
  if (opcode !== 0) return fail(Rcode.NOTIMP);
  const qd = u16(buf, 4);
  const an = u16(buf, 6);
  const ns = u16(buf, 8);
  const ar = u16(buf, 10);
  if (qd !== 1 || an > 1 || ns > 1 || ar > 2) return fail(Rcode.FORMERR);
  try {
    const labels: string[] = [];
    let pos = readName(buf, headerLength, labels);
    need(buf, pos, 4);
    const qtype = u16(buf, pos);
    const qclass = u16(buf, pos + 2);
    pos += 4;
    const questionEnd = pos;
    for (let i = 0; i < an + ns; i++) pos = skipRecord(buf, pos);
    let edns: Edns | null = null;
    for (let i = 0; i < ar; i++) {
      const start = pos;
      pos = skipName(buf, pos);
      need(buf, pos, 10);
      if (u16(buf, pos) === RRType.OPT) {
        // Two OPT records, or an OPT not owned by the root, is malformed (RFC 6891 §6.1.1).
        if (edns || pos !== start + 1) return fail(Rcode.FORMERR);
        edns = { udpSize: u16(buf, pos + 2), version: buf[pos + 5]!, dnssecOk: (buf[pos + 6]! & 0x80) !== 0 };
      }
      pos = skipRdata(buf, pos);
    }
    return { ok: true, query: { id, opcode, flags, labels, qtype, qclass, questionEnd, edns } };
  } catch (err) {
    if (err instanceof WireError) return fail(Rcode.FORMERR);
    throw err;
  }
}

/** Reads a (possibly compressed) name into `labels`; returns the offset after it in the original position. */
export function readName(buf: Uint8Array, start: number, labels: string[]): number {
  let pos = start;
  let end = -1;
  let wireLength = 1;
  for (let hops = 0; ; ) {
    need(buf, pos, 1);
    const len = buf[pos]!;
    if (len === 0) return end < 0 ? pos + 1 : end;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      need(buf, pos, 2);
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      // Only backward pointers: forward ones are how loops and out-of-message reads start.
      if (target >= pos || ++hops > maxPointers) throw new WireError('bad compression pointer');
      if (end < 0) end = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new WireError('unsupported label type');
    need(buf, pos + 1, len);
    wireLength += len + 1;
    if (wireLength > maxNameLength) throw new WireError('name too long');
    labels.push(labelText(buf, pos + 1, pos + 1 + len));
    pos += len + 1;
  }
}

function labelText(buf: Uint8Array, from: number, to: number): string {
  let plain = true;
  for (let i = from; i < to; i++) if (buf[i] === 0x2e || buf[i] === 0x5c) plain = false;
  const text = Buffer.prototype.latin1Slice.call(buf, from, to) as string;
  return plain ? text : text.replace(/[\\.]/g, (c) => `\\${c}`);
}

function skipName(buf: Uint8Array, start: number): number {
  return readName(buf, start, []);
}

function skipRecord(buf: Uint8Array, pos: number): number {
  return skipRdata(buf, skipName(buf, pos));
}

/** `pos` at the TYPE field: skips type/class/ttl/rdlength and the rdata. */
function skipRdata(buf: Uint8Array, pos: number): number {
  need(buf, pos, 10);
  const rdlength = u16(buf, pos + 8);
  need(buf, pos + 10, rdlength);
  return pos + 10 + rdlength;
}

function need(buf: Uint8Array, pos: number, n: number): void {
  if (pos + n > buf.length) throw new WireError('message too short');
}

function u16(buf: Uint8Array, pos: number): number {
  return (buf[pos]! << 8) | buf[pos + 1]!;
}

function u32(buf: Uint8Array, pos: number): number {
  return ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
}

/** A whole message (an upstream reply): header fields, question and the three record sections. */
export interface Message {
  id: number;
  flags: number;
  rcode: number;
  truncated: boolean;
  question: { labels: string[]; qtype: number; qclass: number } | null;
  answer: RR[];
  authority: RR[];
  additional: RR[];
  edns: Edns | null;
}

/** Throws WireError on malformed input. */
export function readMessage(buf: Uint8Array): Message {
  need(buf, 0, headerLength);
  const flags = u16(buf, 2);
  const counts = [u16(buf, 4), u16(buf, 6), u16(buf, 8), u16(buf, 10)] as const;
  let pos = headerLength;
  let question: Message['question'] = null;
  for (let i = 0; i < counts[0]; i++) {
    const labels: string[] = [];
    pos = readName(buf, pos, labels);
    need(buf, pos, 4);
    if (!question) question = { labels, qtype: u16(buf, pos), qclass: u16(buf, pos + 2) };
    pos += 4;
  }
  const sections: RR[][] = [[], [], []];
  let edns: Edns | null = null;
  let extRcode = 0;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const labels: string[] = [];
      pos = readName(buf, pos, labels);
      need(buf, pos, 10);
      const type = u16(buf, pos);
      const rclass = u16(buf, pos + 2);
      const ttl = u32(buf, pos + 4);
      const rdStart = pos + 10;
      const end = skipRdata(buf, pos);
      if (type === RRType.OPT) {
        edns = { udpSize: rclass, version: buf[pos + 5]!, dnssecOk: (buf[pos + 6]! & 0x80) !== 0 };
        extRcode = buf[pos + 4]!;
      } else {
        sections[s]!.push(readRdata(buf, labels.join('.'), type, rclass, ttl, rdStart, end));
      }
      pos = end;
    }
  }
  return { id: u16(buf, 0), flags, rcode: (extRcode << 4) | (flags & 0xf), truncated: (flags & 0x0200) !== 0, question, answer: sections[0]!, authority: sections[1]!, additional: sections[2]!, edns };
}

function readRdata(buf: Uint8Array, name: string, type: number, rclass: number, ttl: number, start: number, end: number): RR {
  const nameAt = (pos: number) => {
    const labels: string[] = [];
    const after = readName(buf, pos, labels);
    if (after > end) throw new WireError('name runs past rdata');
    return { name: labels.join('.'), after };
  };
  const len = end - start;
  if (rclass === 1) {
    if ((type === RRType.A && len === 4) || (type === RRType.AAAA && len === 16)) return { name, ttl, type: type === RRType.A ? 'A' : 'AAAA', address: formatIP(buf.subarray(start, end)) };
    if (type === RRType.CNAME || type === RRType.PTR || type === RRType.NS) return { name, ttl, type: type === RRType.CNAME ? 'CNAME' : type === RRType.PTR ? 'PTR' : 'NS', target: nameAt(start).name };
    if (type === RRType.MX && len >= 3) return { name, ttl, type: 'MX', preference: u16(buf, start), exchange: nameAt(start + 2).name };
    if (type === RRType.SRV && len >= 7) return { name, ttl, type: 'SRV', priority: u16(buf, start), weight: u16(buf, start + 2), port: u16(buf, start + 4), target: nameAt(start + 6).name };
    if (type === RRType.TXT && len > 0) {
      const texts: string[] = [];
      for (let p = start; p < end; ) {
        const l = buf[p]!;
        if (p + 1 + l > end) throw new WireError('bad TXT');
        texts.push(Buffer.from(buf.subarray(p + 1, p + 1 + l)).toString('utf8'));
        p += 1 + l;
      }
      return { name, ttl, type: 'TXT', texts };
    }
    if (type === RRType.SOA) {
      const m = nameAt(start);
      const r = nameAt(m.after);
      if (r.after + 20 !== end) throw new WireError('bad SOA');
      const p = r.after;
      return { name, ttl, type: 'SOA', mname: m.name, rname: r.name, serial: u32(buf, p), refresh: u32(buf, p + 4), retry: u32(buf, p + 8), expire: u32(buf, p + 12), minimum: u32(buf, p + 16) };
    }
  }
  return { name, ttl, type: 'RAW', code: type, rclass, data: Uint8Array.prototype.slice.call(buf, start, end) };
}

/**
 * The reply-cache key of a plain query — one uncompressed question and at most one well-formed
 * EDNS0 OPT (version 0, no options) — read straight off the bytes: the question (case kept, since
 * replies echo it) and the OPT (its UDP size and DO bit shape the reply). One string, no
 * concatenation; the caller keeps UDP and TCP replies apart. Null for anything else: such queries
 * take the full path. (The handler finds the key without a new string each time: key-interner.ts.)
 */
export function replyCacheKey(req: Uint8Array): string | null {
  const end = replyCacheKeyEnd(req);
  return end < 0 ? null : (Buffer.prototype.latin1Slice.call(req, headerLength, end) as string);
}

/** Where the key of replyCacheKey ends in `req` (it starts at the question, byte 12), or -1. */
export function replyCacheKeyEnd(req: Uint8Array): number {
  const n = req.length;
  if (n < 17 || req[2]! & 0xf8 || req[4] !== 0 || req[5] !== 1 || req[6] || req[7] || req[8] || req[9] || req[10]) return -1;
  const ar = req[11]!;
  if (ar > 1) return -1;
  let pos = headerLength;
  for (;;) {
    if (pos >= n) return -1;
    const len = req[pos]!;
    if (len === 0) break;
    if (len > 63) return -1;
    pos += len + 1;
  }
  const questionEnd = pos + 5;
  if (questionEnd - headerLength > maxNameLength + 4 || questionEnd > n) return -1;
  if (ar === 0) return questionEnd;
  const o = questionEnd;
  if (o + 11 !== n || req[o] !== 0 || req[o + 1] !== 0 || req[o + 2] !== RRType.OPT || req[o + 6] !== 0 || req[o + 9] || req[o + 10]) return -1;
  return n;
}

/**
 * Where the SOA serial of a negative reply (no answers, one SOA in Authority) sits, so that a
 * cached negative reply can carry the serial of the latest change. Undefined for anything else.
 */
export function soaSerialOffset(reply: Uint8Array): number | undefined {
  if (u16(reply, 4) !== 1 || u16(reply, 6) !== 0 || u16(reply, 8) !== 1) return undefined;
  try {
    let pos = readName(reply, headerLength, []) + 4;
    pos = readName(reply, pos, []);
    need(reply, pos, 10);
    if (u16(reply, pos) !== RRType.SOA) return undefined;
    pos = readName(reply, readName(reply, pos + 10, []), []);
    need(reply, pos, 4);
    return pos;
  } catch (err) {
    if (err instanceof WireError) return undefined;
    throw err;
  }
}
