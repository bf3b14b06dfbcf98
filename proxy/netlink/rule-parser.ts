/**
 * Rule text (the statements svcnet's nftables renderer writes for per-Service chains, IPv4) →
 * nf_tables expressions, built as nft 1.0.6 builds them (`nft --debug=netlink` is the oracle in
 * the tests). Anything outside that subset is reported, not guessed: the caller then sends the
 * whole transaction through `nft -f -`.
 */
import { parseIP } from '../../common/ip.js';
import { parseCidr } from '../ip.js';
import { verdictCode, type Expr, type Verdict, type VerdictKind } from './expressions.js';

/** An anonymous verdict map the rule needs (numgen … vmap { … }), created in the same batch. */
export interface AnonymousVmap {
  readonly setId: number;
  readonly elements: ReadonlyArray<{ readonly key: number; readonly verdict: Verdict }>;
}

/**
 * An anonymous constant interval set of IPv4 addresses (`ip saddr != { CIDR , ADDR }`), as nft
 * sends it: sorted, disjoint ranges, each a start element and an end element (first address past
 * the range, flagged), plus a leading end marker at 0.0.0.0 unless a range starts there.
 */
export interface AnonymousIntervalSet {
  readonly setId: number;
  readonly elements: ReadonlyArray<{ readonly key: Buffer; readonly end: boolean }>;
}

export interface ParsedRule {
  readonly exprs: Expr[];
  readonly vmaps: AnonymousVmap[];
  readonly intervalSets: AnonymousIntervalSet[];
}

/** Thrown for text outside the supported subset; `form` names the construct, for the fallback log. */
export class UnsupportedNft extends Error {
  constructor(readonly form: string) {
    super(`netlink encoder does not handle: ${form}`);
  }
}

export const protoNumber: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132 };
const reg1 = 1;
const reg2 = 2;

/** The 4 bytes of an IPv4 literal; undefined for anything else (IPv6 goes to nft). */
export function ipv4Bytes(text: string): Buffer | undefined {
  const bytes = parseIP(text);
  return bytes?.length === 4 ? Buffer.from(bytes) : undefined;
}

export function portBytes(text: string): Buffer | undefined {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) return undefined;
  const b = Buffer.alloc(2);
  b.writeUInt16BE(Number(text));
  return b;
}

/** Reads tokens left to right; each statement consumes what it needs. */
export class Tokens {
  #i = 0;
  constructor(readonly list: readonly string[]) {}
  done(): boolean {
    return this.#i >= this.list.length;
  }
  next(what: string): string {
    const t = this.list[this.#i++];
    if (t === undefined) throw new UnsupportedNft(`rule ending before ${what}`);
    return t;
  }
  expect(word: string): void {
    const t = this.next(word);
    if (t !== word) throw new UnsupportedNft(`"${t}" where "${word}" was expected`);
  }
}

export function parseRule(text: string, nextSetId: () => number): ParsedRule {
  const tokens = new Tokens(text.trim().split(/\s+/));
  const out: ParsedRule = { exprs: [], vmaps: [], intervalSets: [] };
  while (!tokens.done()) {
    const word = tokens.next('statement');
    const statement = statements[word];
    if (!statement) throw new UnsupportedNft(`statement "${word}"`);
    statement(tokens, out, nextSetId, word);
    if (out.exprs.at(-1)?.op === 'verdict' && !tokens.done()) throw new UnsupportedNft('statement after a verdict');
  }
  return out;
}

type Statement = (t: Tokens, out: ParsedRule, nextSetId: () => number, word: string) => void;

const statements: Readonly<Record<string, Statement>> = {
  ip: ipMatch,
  tcp: portMatch,
  udp: portMatch,
  sctp: portMatch,
  meta: metaMatch,
  fib: fibMatch,
  numgen: numgenVmap,
  update: dynsetUpdate,
  dnat: dnatTo,
  jump: (t, out) => out.exprs.push({ op: 'verdict', verdict: { kind: 'jump', chain: t.next('chain') } }),
  goto: (t, out) => out.exprs.push({ op: 'verdict', verdict: { kind: 'goto', chain: t.next('chain') } }),
  drop: (_t, out) => out.exprs.push({ op: 'verdict', verdict: { kind: 'drop' } }),
  accept: (_t, out) => out.exprs.push({ op: 'verdict', verdict: { kind: 'accept' } }),
  return: (_t, out) => out.exprs.push({ op: 'verdict', verdict: { kind: 'return' } }),
};

/** ip saddr|daddr [!=] ADDR[/LEN] | @set | { ADDR[/LEN] , … } */
function ipMatch(t: Tokens, out: ParsedRule, nextSetId: () => number): void {
  const field = t.next('ip field');
  if (field !== 'saddr' && field !== 'daddr') throw new UnsupportedNft(`ip ${field}`);
  const offset = field === 'saddr' ? 12 : 16;
  let value = t.next('address');
  const neq = value === '!=';
  if (neq) value = t.next('address');
  if (value.startsWith('@')) {
    out.exprs.push({ op: 'payload', base: 'network', offset, len: 4, dreg: reg1 });
    out.exprs.push({ op: 'lookup', sreg: reg1, set: value.slice(1), invert: neq });
    return;
  }
  if (value !== '{') return addressMatch(out, offset, neq, value);
  const items = readSetBody(t);
  // nft turns a one-element set into a plain match of that element.
  if (items.length === 1) return addressMatch(out, offset, neq, items[0]!);
  // Only the source-range form of firewall chains: the set's userdata records "ip saddr".
  if (field !== 'saddr') throw new UnsupportedNft('ip daddr { set }');
  const setId = nextSetId();
  out.intervalSets.push({ setId, elements: intervalElements(items) });
  out.exprs.push({ op: 'payload', base: 'network', offset, len: 4, dreg: reg1 });
  out.exprs.push({ op: 'lookup', sreg: reg1, set: '__set%d', setId, invert: neq });
}

/** ADDR or ADDR/LEN (host bits masked off, as nft does), IPv4 only. */
function ipv4Cidr(value: string): { bytes: Buffer; prefix: number } | undefined {
  const cidr = parseCidr(value.includes('/') ? value : `${value}/32`);
  return cidr?.family === 4 ? { bytes: Buffer.from(cidr.bytes), prefix: cidr.prefix } : undefined;
}

/** ADDR or ADDR/LEN at `offset` of the IPv4 header. */
function addressMatch(out: ParsedRule, offset: number, neq: boolean, value: string): void {
  const cidr = ipv4Cidr(value);
  if (!cidr || cidr.prefix < 1) throw new UnsupportedNft(`ip address ${value}`);
  const { bytes: masked, prefix } = cidr;
  if (prefix % 8 === 0) {
    // nft loads only the whole bytes of a byte-aligned prefix.
    out.exprs.push({ op: 'payload', base: 'network', offset, len: prefix / 8, dreg: reg1 });
    out.exprs.push({ op: 'cmp', sreg: reg1, neq, data: masked.subarray(0, prefix / 8) });
    return;
  }
  const mask = Buffer.alloc(4);
  mask.writeUInt32BE(~(0xffffffff >>> prefix) >>> 0);
  out.exprs.push({ op: 'payload', base: 'network', offset, len: 4, dreg: reg1 });
  out.exprs.push({ op: 'bitwise', reg: reg1, mask, xor: Buffer.alloc(4) });
  out.exprs.push({ op: 'cmp', sreg: reg1, neq, data: masked });
}

/** The items of `{ a , b/24 }` up to the closing brace (commas with or without spaces). */
function readSetBody(t: Tokens): string[] {
  const items: string[] = [];
  for (;;) {
    const tok = t.next('"}"');
    if (tok === '}') break;
    items.push(...tok.split(',').filter(Boolean));
  }
  if (items.length === 0) throw new UnsupportedNft('empty anonymous set');
  return items;
}

/** ADDR[/LEN] → [first, last] as unsigned 32-bit numbers. */
function ipv4Range(text: string): [number, number] {
  const cidr = ipv4Cidr(text);
  if (!cidr) throw new UnsupportedNft('anonymous set element');
  const first = cidr.bytes.readUInt32BE(0);
  return [first, first + 2 ** (32 - cidr.prefix) - 1];
}

/**
 * Start/end elements of the sorted ranges. Overlapping or touching ranges would be merged by nft
 * first; those are left to nft rather than re-implementing its merge.
 */
function intervalElements(items: readonly string[]): AnonymousIntervalSet['elements'] {
  const ranges = items.map(ipv4Range).sort((a, b) => a[0] - b[0]);
  const key = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const out: Array<{ key: Buffer; end: boolean }> = [];
  if (ranges[0]![0] !== 0) out.push({ key: key(0), end: true });
  ranges.forEach(([first, last], i) => {
    const next = ranges[i + 1];
    if (next && next[0] <= last + 1) throw new UnsupportedNft('overlapping or adjacent ranges in an anonymous set');
    out.push({ key: key(first), end: false });
    if (last !== 0xffffffff) out.push({ key: key(last + 1), end: true });
  });
  return out;
}

function l4protoMatch(out: ParsedRule, proto: string): void {
  const n = protoNumber[proto];
  if (n === undefined) throw new UnsupportedNft(`protocol ${proto}`);
  out.exprs.push({ op: 'meta', key: 'l4proto', dreg: reg1 });
  out.exprs.push({ op: 'cmp', sreg: reg1, neq: false, data: Buffer.from([n]) });
}

/** tcp|udp|sctp dport|sport [!=] PORT: nft adds the "meta l4proto" dependency first. */
function portMatch(t: Tokens, out: ParsedRule, _nextSetId: () => number, proto: string): void {
  const field = t.next('port field');
  if (field !== 'dport' && field !== 'sport') throw new UnsupportedNft(`${proto} ${field}`);
  let value = t.next('port');
  const neq = value === '!=';
  if (neq) value = t.next('port');
  const port = portBytes(value);
  if (!port) throw new UnsupportedNft(`${proto} ${field} ${value}`);
  l4protoMatch(out, proto);
  out.exprs.push({ op: 'payload', base: 'transport', offset: field === 'sport' ? 0 : 2, len: 2, dreg: reg1 });
  out.exprs.push({ op: 'cmp', sreg: reg1, neq, data: port });
}

function metaMatch(t: Tokens, out: ParsedRule): void {
  t.expect('l4proto');
  l4protoMatch(out, t.next('protocol'));
}

/** fib saddr|daddr type local (RTN_LOCAL, a host-order u32). */
function fibMatch(t: Tokens, out: ParsedRule): void {
  const from = t.next('fib field');
  if (from !== 'saddr' && from !== 'daddr') throw new UnsupportedNft(`fib ${from}`);
  t.expect('type');
  t.expect('local');
  const rtnLocal = Buffer.alloc(4);
  rtnLocal.writeUInt32LE(2);
  out.exprs.push({ op: 'fib', from, dreg: reg1 });
  out.exprs.push({ op: 'cmp', sreg: reg1, neq: false, data: rtnLocal });
}

/** numgen random mod N vmap { K : VERDICT , … }: an anonymous constant map looked up into the verdict register. */
function numgenVmap(t: Tokens, out: ParsedRule, nextSetId: () => number): void {
  t.expect('random');
  t.expect('mod');
  const modulus = Number(t.next('modulus'));
  if (!Number.isInteger(modulus) || modulus < 1) throw new UnsupportedNft('numgen modulus');
  t.expect('vmap');
  t.expect('{');
  const elements: Array<{ key: number; verdict: Verdict }> = [];
  for (;;) {
    const key = Number(t.next('map key'));
    if (!Number.isInteger(key) || key < 0) throw new UnsupportedNft('numgen vmap key');
    t.expect(':');
    elements.push({ key, verdict: readVerdict(t) });
    const sep = t.next('"," or "}"');
    if (sep === '}') break;
    if (sep !== ',') throw new UnsupportedNft(`"${sep}" in a vmap`);
  }
  const setId = nextSetId();
  out.vmaps.push({ setId, elements });
  out.exprs.push({ op: 'numgen', dreg: reg1, modulus });
  out.exprs.push({ op: 'lookup', sreg: reg1, set: '__map%d', setId, dreg: 0, invert: false });
}

export function readVerdict(t: Tokens): Verdict {
  const kind = t.next('verdict');
  if (!(kind in verdictCode)) throw new UnsupportedNft(`verdict ${kind}`);
  return kind === 'jump' || kind === 'goto' ? { kind, chain: t.next('chain') } : { kind: kind as VerdictKind };
}

/** update @set { ip saddr }: add or refresh the source address (the set's own timeout). */
function dynsetUpdate(t: Tokens, out: ParsedRule): void {
  const set = t.next('set');
  if (!set.startsWith('@')) throw new UnsupportedNft(`update ${set}`);
  const body = [t.next('{'), t.next('ip'), t.next('saddr'), t.next('}')].join(' ');
  if (body !== '{ ip saddr }') throw new UnsupportedNft(`update ${body}`);
  out.exprs.push({ op: 'payload', base: 'network', offset: 12, len: 4, dreg: reg1 });
  out.exprs.push({ op: 'dynset', sregKey: reg1, set: set.slice(1) });
}

/** dnat to ADDR:PORT (after a meta l4proto match, which nft requires for a port). */
function dnatTo(t: Tokens, out: ParsedRule): void {
  t.expect('to');
  const target = t.next('address');
  const m = /^([\d.]+):(\d+)$/.exec(target);
  const addr = m ? ipv4Bytes(m[1]!) : undefined;
  const port = m ? portBytes(m[2]!) : undefined;
  if (!addr || !port) throw new UnsupportedNft(`dnat to ${target.includes(':') ? 'address:port' : 'address only'}`);
  out.exprs.push({ op: 'immediate', dreg: reg1, data: addr });
  out.exprs.push({ op: 'immediate', dreg: reg2, data: port });
  out.exprs.push({ op: 'dnat', regAddr: reg1, regProto: reg2 });
}

