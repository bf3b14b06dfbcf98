/**
 * Netlink wire format for nf_tables batches: nlmsghdr + nfgenmsg, then attributes (TLVs padded to
 * 4 bytes, nested ones flagged NLA_F_NESTED). Host byte order for netlink's own headers; nf_tables
 * attribute integers are big-endian, as the kernel reads them (NLA_BE32 / NLA_BE64).
 */

export const nfnlSubsysNftables = 10;
export const nfnlMsgBatchBegin = 0x10;
export const nfnlMsgBatchEnd = 0x11;

export const nlmF = { request: 0x1, create: 0x400, append: 0x800 } as const;

/** NFT_MSG_* (linux/netfilter/nf_tables.h). */
export const nftMsg = { newChain: 3, delChain: 5, newRule: 6, delRule: 8, newSet: 9, delSet: 11, newSetElem: 12, delSetElem: 14 } as const;

const nlaFNested = 0x8000;
const nfprotoIpv4 = 2;

/** Attribute payload writers; a nested attribute is a list of attributes. */
export type Attr = { readonly type: number; readonly data: Buffer } | { readonly type: number; readonly nested: readonly Attr[] };

export const attr = {
  str: (type: number, s: string): Attr => ({ type, data: Buffer.from(s + '\0') }),
  be32: (type: number, n: number): Attr => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return { type, data: b };
  },
  be64: (type: number, n: bigint): Attr => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(n);
    return { type, data: b };
  },
  bytes: (type: number, data: Buffer): Attr => ({ type, data }),
  nest: (type: number, nested: readonly Attr[]): Attr => ({ type, nested }),
};

function attrSize(a: Attr): number {
  return 4 + align4('data' in a ? a.data.length : a.nested.reduce((n, x) => n + attrSize(x), 0));
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function writeAttr(buf: Buffer, off: number, a: Attr): number {
  if ('data' in a) {
    buf.writeUInt16LE(4 + a.data.length, off);
    buf.writeUInt16LE(a.type, off + 2);
    a.data.copy(buf, off + 4);
    return off + attrSize(a);
  }
  const size = attrSize(a);
  buf.writeUInt16LE(size, off);
  buf.writeUInt16LE(a.type | nlaFNested, off + 2);
  let p = off + 4;
  for (const x of a.nested) p = writeAttr(buf, p, x);
  return off + size;
}

export interface NlMessage {
  readonly type: number;
  readonly flags: number;
  readonly attrs: readonly Attr[];
}

/** One nf_tables message of the batch (family ip). */
export function nftMessage(msg: number, flags: number, attrs: readonly Attr[]): NlMessage {
  return { type: (nfnlSubsysNftables << 8) | msg, flags: nlmF.request | flags, attrs };
}

/**
 * BATCH_BEGIN, the messages (sequence numbers firstSeq, firstSeq+1, …), BATCH_END: the kernel
 * applies all of them or none.
 */
export function encodeBatch(messages: readonly NlMessage[], firstSeq: number): Buffer {
  const begin = { type: nfnlMsgBatchBegin, flags: nlmF.request, attrs: [] };
  const end = { type: nfnlMsgBatchEnd, flags: nlmF.request, attrs: [] };
  const all = [begin, ...messages, end];
  const sizes = all.map((m) => 20 + m.attrs.reduce((n, a) => n + attrSize(a), 0));
  const buf = Buffer.alloc(sizes.reduce((a, b) => a + b, 0));
  let off = 0;
  all.forEach((m, i) => {
    const batchMarker = i === 0 || i === all.length - 1;
    buf.writeUInt32LE(sizes[i]!, off);
    buf.writeUInt16LE(m.type, off + 4);
    buf.writeUInt16LE(m.flags, off + 6);
    buf.writeUInt32LE(firstSeq - 1 + i, off + 8);
    buf.writeUInt32LE(0, off + 12);
    // nfgenmsg: family, version 0, res_id (big-endian): the subsystem for batch markers.
    buf.writeUInt8(batchMarker ? 0 : nfprotoIpv4, off + 16);
    buf.writeUInt8(0, off + 17);
    buf.writeUInt16BE(batchMarker ? nfnlSubsysNftables : 0, off + 18);
    let p = off + 20;
    for (const a of m.attrs) p = writeAttr(buf, p, a);
    off += sizes[i]!;
  });
  return buf;
}
