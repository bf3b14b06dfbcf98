/**
 * The nf_tables expressions svcnet's partial syncs use, each with its netlink encoding and the
 * line `nft --debug=netlink` prints for it (libnftnl's format), so that tests can hold the encoder
 * against what nft itself builds for the same rule text.
 */
import { attr, type Attr } from './message.js';

/** 32-bit verdict codes (NF_DROP, NF_ACCEPT, NFT_JUMP, NFT_GOTO, NFT_RETURN). */
export const verdictCode = { drop: 0, accept: 1, jump: -3, goto: -4, return: -5 } as const;
export type VerdictKind = keyof typeof verdictCode;

export interface Verdict {
  readonly kind: VerdictKind;
  readonly chain?: string;
}

export type Expr =
  | { readonly op: 'payload'; readonly base: 'network' | 'transport'; readonly offset: number; readonly len: number; readonly dreg: number }
  | { readonly op: 'cmp'; readonly sreg: number; readonly neq: boolean; readonly data: Buffer }
  | { readonly op: 'bitwise'; readonly reg: number; readonly mask: Buffer; readonly xor: Buffer }
  | { readonly op: 'meta'; readonly key: 'l4proto'; readonly dreg: number }
  | { readonly op: 'fib'; readonly from: 'saddr' | 'daddr'; readonly dreg: number }
  | { readonly op: 'immediate'; readonly dreg: number; readonly data: Buffer }
  | { readonly op: 'verdict'; readonly verdict: Verdict }
  | { readonly op: 'lookup'; readonly sreg: number; readonly set: string; readonly setId?: number; readonly dreg?: number; readonly invert: boolean }
  | { readonly op: 'numgen'; readonly dreg: number; readonly modulus: number }
  | { readonly op: 'dynset'; readonly sregKey: number; readonly set: string; readonly setId?: number }
  | { readonly op: 'dnat'; readonly regAddr: number; readonly regProto: number };

const payloadBase = { network: 1, transport: 2 } as const;
const metaKey = { l4proto: 16 } as const;
const fibFlag = { saddr: 1, daddr: 2 } as const;
const fibResultAddrType = 3;
const natDnat = 1;
const nfprotoIpv4 = 2;
const natRangeProtoSpecified = 2;
const numgenRandom = 1;
const dynsetOpUpdate = 1;

/** NFTA_DATA_VALUE inside the given attribute. */
function dataValue(type: number, data: Buffer): Attr {
  return attr.nest(type, [attr.bytes(1, data)]);
}

/** NFTA_DATA_VERDICT { code, chain } inside the given attribute. */
export function verdictData(type: number, v: Verdict): Attr {
  const inner = [attr.be32(1, verdictCode[v.kind])];
  if (v.chain !== undefined) inner.push(attr.str(2, v.chain));
  return attr.nest(type, [attr.nest(2, inner)]);
}

function exprName(e: Expr): string {
  if (e.op === 'verdict') return 'immediate';
  if (e.op === 'dnat') return 'nat';
  return e.op;
}

function exprData(e: Expr): Attr[] {
  switch (e.op) {
    case 'payload':
      return [attr.be32(1, e.dreg), attr.be32(2, payloadBase[e.base]), attr.be32(3, e.offset), attr.be32(4, e.len)];
    case 'cmp':
      return [attr.be32(1, e.sreg), attr.be32(2, e.neq ? 1 : 0), dataValue(3, e.data)];
    case 'bitwise':
      return [attr.be32(1, e.reg), attr.be32(2, e.reg), attr.be32(3, e.mask.length), dataValue(4, e.mask), dataValue(5, e.xor)];
    case 'meta':
      return [attr.be32(2, metaKey[e.key]), attr.be32(1, e.dreg)];
    case 'fib':
      return [attr.be32(3, fibFlag[e.from]), attr.be32(2, fibResultAddrType), attr.be32(1, e.dreg)];
    case 'immediate':
      return [attr.be32(1, e.dreg), dataValue(2, e.data)];
    case 'verdict':
      return [attr.be32(1, 0), verdictData(2, e.verdict)];
    case 'lookup': {
      const out = [attr.be32(2, e.sreg)];
      if (e.dreg !== undefined) out.push(attr.be32(3, e.dreg));
      out.push(attr.str(1, e.set));
      if (e.setId !== undefined) out.push(attr.be32(4, e.setId));
      if (e.invert) out.push(attr.be32(5, 1));
      return out;
    }
    case 'numgen':
      return [attr.be32(1, e.dreg), attr.be32(2, e.modulus), attr.be32(3, numgenRandom), attr.be32(4, 0)];
    case 'dynset': {
      const out = [attr.be32(4, e.sregKey), attr.be32(3, dynsetOpUpdate), attr.str(1, e.set)];
      if (e.setId !== undefined) out.push(attr.be32(2, e.setId));
      return out;
    }
    case 'dnat':
      return [attr.be32(1, natDnat), attr.be32(2, nfprotoIpv4), attr.be32(3, e.regAddr), attr.be32(5, e.regProto), attr.be32(7, natRangeProtoSpecified)];
  }
}

/** NFTA_RULE_EXPRESSIONS: a list of { name, data }. */
export function expressionsAttr(exprs: readonly Expr[]): Attr {
  return attr.nest(4, exprs.map((e) => attr.nest(1, [attr.str(1, exprName(e)), attr.nest(2, exprData(e))])));
}

/** libnftnl prints data as 32-bit words in host (little-endian) order. */
export function debugData(data: Buffer): string {
  const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
  data.copy(padded);
  const words: string[] = [];
  for (let i = 0; i < padded.length; i += 4) words.push('0x' + padded.readUInt32LE(i).toString(16).padStart(8, '0'));
  return words.join(' ');
}

function debugVerdict(v: Verdict): string {
  return v.chain !== undefined ? `${v.kind} -> ${v.chain}` : v.kind;
}

/** The line `nft --debug=netlink` prints for the expression. */
export function debugExpr(e: Expr): string {
  switch (e.op) {
    case 'payload':
      return `[ payload load ${e.len}b @ ${e.base} header + ${e.offset} => reg ${e.dreg} ]`;
    case 'cmp':
      return `[ cmp ${e.neq ? 'neq' : 'eq'} reg ${e.sreg} ${debugData(e.data)} ]`;
    case 'bitwise':
      return `[ bitwise reg ${e.reg} = ( reg ${e.reg} & ${debugData(e.mask)} ) ^ ${debugData(e.xor)} ]`;
    case 'meta':
      return `[ meta load ${e.key} => reg ${e.dreg} ]`;
    case 'fib':
      return `[ fib ${e.from} type => reg ${e.dreg} ]`;
    case 'immediate':
      return `[ immediate reg ${e.dreg} ${debugData(e.data)} ]`;
    case 'verdict':
      return `[ immediate reg 0 ${debugVerdict(e.verdict)} ]`;
    case 'lookup':
      return `[ lookup reg ${e.sreg} set ${e.set}${e.dreg !== undefined ? ` dreg ${e.dreg}` : ''}${e.invert ? ' 0x1' : ''} ]`;
    case 'numgen':
      return `[ numgen reg ${e.dreg} = random mod ${e.modulus} ]`;
    case 'dynset':
      return `[ dynset update reg_key ${e.sregKey} set ${e.set} ]`;
    case 'dnat':
      return `[ nat dnat ip addr_min reg ${e.regAddr} proto_min reg ${e.regProto} flags 0x${natRangeProtoSpecified.toString(16)} ]`;
  }
}
