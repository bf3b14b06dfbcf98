/**
 * The response encoder. dns-packet never compresses names, so a 512-byte UDP reply would hold 9
 * A records where CoreDNS fits 28 (reference §6.3/§7); this encoder compresses every name
 * (owners of `null` point at the question, which also echoes the client's spelling) and
 * truncates the way miekg's Msg.Truncate does: records go in Answer → Authority → Additional order
 * until the next one would not fit the budget (less the OPT), then TC is set.
 */
import { parseIP } from '../common/ip.js';
import { Rcode, RRType, typeCode, type Answer, type RR } from './rr.js';
import { headerLength, type Query } from './wire-read.js';

const optLength = 11;
const flagQR = 0x8000;
const flagAA = 0x0400;
const flagTC = 0x0200;
const flagRD = 0x0100;
const flagRA = 0x0080;
const flagCD = 0x0010;

export class EncodeError extends Error {}

/** One scratch buffer for every reply: encoding allocates only the copy that is sent. */
const scratch = Buffer.allocUnsafe(65535 + 512);

/** The request bytes are needed to echo the question verbatim. */
export function encodeReply(request: Uint8Array, q: Query, a: Answer, budget: number): Buffer {
  const w = new NameWriter(scratch);
  const qEnd = q.questionEnd;
  scratch.set(request.subarray(headerLength, qEnd), headerLength);
  w.pos = qEnd;
  w.seedQuestion(q);
  const edns = q.edns !== null;
  const limit = Math.min(budget, scratch.length - 512) - (edns ? optLength : 0);
  const counts = [0, 0, 0];
  let truncated = a.truncated === true;
  const sections = [a.answer, a.authority, a.additional];
  outer: for (let s = 0; s < 3; s++) {
    for (const rr of sections[s]!) {
      const before = w.pos;
      writeRecord(w, rr);
      if (w.pos > limit) {
        w.pos = before;
        truncated = true;
        break outer;
      }
      counts[s]!++;
    }
  }
  if (edns) writeOpt(w, q.edns!.udpSize, q.edns!.dnssecOk, a.rcode >> 4);
  let flags = flagQR | (q.opcode << 11) | (q.flags & (flagRD | flagCD)) | (a.rcode & 0xf);
  if (a.authoritative) flags |= flagAA;
  if (a.recursionAvailable) flags |= flagRA;
  if (truncated) flags |= flagTC;
  writeHeader(scratch, q.id, flags, 1, counts[0]!, counts[1]!, edns ? counts[2]! + 1 : counts[2]!);
  return Buffer.from(scratch.subarray(0, w.pos));
}

/** A header-only reply (FORMERR, NOTIMP): QR set, the request's ID and opcode, RD echoed. */
export function encodeHeaderOnly(id: number, opcode: number, requestFlags: number, rcode: number): Buffer {
  const out = Buffer.alloc(headerLength);
  writeHeader(out, id, flagQR | (opcode << 11) | (requestFlags & (flagRD | flagCD)) | (rcode & 0xf), 0, 0, 0, 0);
  return out;
}

/** The reply a query gets when nothing else can be said about it (handler failure). */
export function servfailFor(request: Uint8Array, q: Query): Buffer {
  return encodeReply(request, q, { rcode: Rcode.SERVFAIL, authoritative: false, answer: [], authority: [], additional: [] }, 512);
}

function writeHeader(buf: Buffer, id: number, flags: number, qd: number, an: number, ns: number, ar: number): void {
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(flags, 2);
  buf.writeUInt16BE(qd, 4);
  buf.writeUInt16BE(an, 6);
  buf.writeUInt16BE(ns, 8);
  buf.writeUInt16BE(ar, 10);
}

function writeOpt(w: NameWriter, udpSize: number, dnssecOk: boolean, extRcode: number): void {
  const b = w.buf;
  b[w.pos] = 0;
  b.writeUInt16BE(RRType.OPT, w.pos + 1);
  b.writeUInt16BE(udpSize, w.pos + 3);
  b[w.pos + 5] = extRcode & 0xff;
  b[w.pos + 6] = 0; // EDNS version 0
  b.writeUInt16BE(dnssecOk ? 0x8000 : 0, w.pos + 7);
  b.writeUInt16BE(0, w.pos + 9);
  w.pos += optLength;
}

function writeRecord(w: NameWriter, rr: RR): void {
  if (rr.name === null) w.pointer(headerLength);
  else w.name(rr.name);
  const b = w.buf;
  b.writeUInt16BE(typeCode(rr), w.pos);
  b.writeUInt16BE(rr.type === 'RAW' ? rr.rclass : 1, w.pos + 2);
  b.writeUInt32BE(Math.max(0, Math.min(rr.ttl, 0x7fffffff)) >>> 0, w.pos + 4);
  const lengthAt = w.pos + 8;
  w.pos += 10;
  const start = w.pos;
  writeRdata(w, rr);
  b.writeUInt16BE(w.pos - start, lengthAt);
}

function writeRdata(w: NameWriter, rr: RR): void {
  const b = w.buf;
  switch (rr.type) {
    case 'A':
    case 'AAAA': {
      const bytes = parseIP(rr.address);
      if (!bytes || bytes.length !== (rr.type === 'A' ? 4 : 16)) throw new EncodeError(`dns: bad ${rr.type} address ${rr.address}`);
      b.set(bytes, w.pos);
      w.pos += bytes.length;
      return;
    }
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return w.name(rr.target);
    case 'SRV':
      b.writeUInt16BE(rr.priority, w.pos);
      b.writeUInt16BE(rr.weight, w.pos + 2);
      b.writeUInt16BE(rr.port, w.pos + 4);
      w.pos += 6;
      // RFC 2782: the SRV target is not compressed (miekg does compress it; both decode the same).
      return w.name(rr.target, false);
    case 'MX':
      b.writeUInt16BE(rr.preference, w.pos);
      w.pos += 2;
      return w.name(rr.exchange);
    case 'TXT':
      for (const t of rr.texts) {
        const len = Math.min(255, Buffer.byteLength(t, 'utf8'));
        b[w.pos] = len;
        b.write(t, w.pos + 1, len, 'utf8');
        w.pos += 1 + len;
      }
      return;
    case 'SOA':
      w.name(rr.mname);
      w.name(rr.rname);
      for (const v of [rr.serial, rr.refresh, rr.retry, rr.expire, rr.minimum]) {
        b.writeUInt32BE(v >>> 0, w.pos);
        w.pos += 4;
      }
      return;
    case 'RAW':
      b.set(rr.data, w.pos);
      w.pos += rr.data.length;
      return;
  }
}

/** Writes dotted names with compression: every suffix written once, later ones point back to it. */
class NameWriter {
  readonly buf: Buffer;
  pos = 0;
  readonly #seen = new Map<string, number>();

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  /** The question name sits at offset 12: later names point into it (when it is plain, uncompressed). */
  seedQuestion(q: Query): void {
    let wire = 1;
    for (const l of q.labels) {
      if (l.includes('\\')) return;
      wire += l.length + 1;
    }
    if (headerLength + wire + 4 !== q.questionEnd) return;
    let pos = headerLength;
    for (let i = 0; i < q.labels.length; i++) {
      this.#seen.set(i === 0 ? q.labels.join('.') : q.labels.slice(i).join('.'), pos);
      pos += q.labels[i]!.length + 1;
    }
  }

  pointer(offset: number): void {
    this.buf.writeUInt16BE(0xc000 | offset, this.pos);
    this.pos += 2;
  }

  name(name: string, compress = true): void {
    if (name === '' || name === '.') {
      this.buf[this.pos++] = 0;
      return;
    }
    const start = this.pos;
    let i = 0;
    for (;;) {
      const suffix = i === 0 ? name : name.slice(i);
      const at = compress ? this.#seen.get(suffix) : undefined;
      if (at !== undefined) return this.pointer(at);
      if (this.pos < 0x3fff) this.#seen.set(suffix, this.pos);
      const dot = name.indexOf('.', i);
      const end = dot < 0 ? name.length : dot;
      const len = end - i;
      if (len === 0 || len > 63) throw new EncodeError(`dns: bad label in ${JSON.stringify(name)}`);
      this.buf[this.pos] = len;
      this.buf.write(name.slice(i, end), this.pos + 1, len, 'latin1');
      this.pos += len + 1;
      if (this.pos - start > 255) throw new EncodeError(`dns: name too long: ${name.slice(0, 40)}…`);
      if (dot < 0) {
        this.buf[this.pos++] = 0;
        return;
      }
      i = dot + 1;
    }
  }
}
