/**
 * A knftables-style transaction (the text proxy/nftables renders for `nft -f -`) → one nf_tables
 * netlink batch, without asking the kernel anything first. nft 1.0.6 dumps every chain of every
 * table before it sends a single rule, which is quadratic in the chain count; this path only
 * writes. It covers the line forms of partial syncs (IPv4); any other line makes the whole
 * transaction go to nft instead (UnsupportedNft).
 */
import { attr, encodeBatch, nftMessage, nftMsg, nlmF, type Attr, type NlMessage } from './message.js';
import { debugExpr, expressionsAttr, verdictData, type Expr, type Verdict } from './expressions.js';
import { ipv4Bytes, parseRule, portBytes, protoNumber, readVerdict, Tokens, UnsupportedNft, type AnonymousIntervalSet, type AnonymousVmap } from './rule-parser.js';

export interface NetlinkBatch {
  /** BATCH_BEGIN … BATCH_END, ready to send. */
  readonly buffer: Buffer;
  /** The transaction line (1-based) each message's sequence number came from. */
  lineOfSeq(seq: number): number | undefined;
  /** The rules as `nft --debug=netlink` prints them: "ip TABLE CHAIN" then one line per expression. */
  readonly debugRules: readonly string[];
}

const firstSeq = 1;
const table = 'kube-proxy';
/** nft's datatype numbers for set keys and data (NFTA_SET_KEY_TYPE / NFTA_SET_DATA_TYPE). */
const setDataType = { integer: 4, ipv4Addr: 7, verdict: 0xffffff00 } as const;

/** NFTNL_UDATA_*_COMMENT (type 0): the comment and its NUL, as nft stores rule and element comments. */
function commentUserdata(comment: string): Buffer {
  const text = Buffer.from(comment + '\0');
  if (text.length > 255) throw new UnsupportedNft('comment longer than 254 bytes');
  return Buffer.concat([Buffer.from([0, text.length]), text]);
}

/** Splits `… comment "json-quoted"` off the end of a line. */
function splitComment(text: string): { body: string; comment?: string } {
  const m = /^(.*?) comment ("(?:[^"\\]|\\.)*")$/.exec(text);
  return m ? { body: m[1]!, comment: JSON.parse(m[2]!) as string } : { body: text };
}

class BatchBuilder {
  readonly messages: NlMessage[] = [];
  readonly lines: number[] = [];
  readonly debugRules: string[] = [];
  #setId = 0;
  readonly nextSetId = () => ++this.#setId;

  push(line: number, msg: NlMessage): void {
    this.messages.push(msg);
    this.lines.push(line);
  }
}

export function encodeTransaction(text: string): NetlinkBatch {
  const b = new BatchBuilder();
  text.split('\n').forEach((line, i) => {
    if (line.trim()) encodeLine(line, i + 1, b);
  });
  const lines = b.lines;
  return {
    buffer: encodeBatch(b.messages, firstSeq),
    lineOfSeq: (seq) => lines[seq - firstSeq],
    debugRules: b.debugRules,
  };
}

/** "<verb> <object> ip kube-proxy <name> …" */
const linePattern = /^(add|flush|delete) (chain|rule|set|element) (\S+) (\S+) (\S+)(?: (.*))?$/;

function encodeLine(line: string, n: number, b: BatchBuilder): void {
  const m = linePattern.exec(line);
  if (!m) throw new UnsupportedNft(`line "${line.split(' ').slice(0, 2).join(' ')} …"`);
  const [, verb, object, family, tableName, name, rest] = m as unknown as [string, string, string, string, string, string, string | undefined];
  if (family !== 'ip') throw new UnsupportedNft(`family ${family}`);
  if (tableName !== table) throw new UnsupportedNft(`table ${tableName}`);
  const form = `${verb} ${object}`;
  const t = attr.str(1, table);
  switch (form) {
    case 'add chain':
      if (rest) throw new UnsupportedNft('add chain with a spec');
      return b.push(n, nftMessage(nftMsg.newChain, nlmF.create, [t, attr.str(3, name)]));
    case 'flush chain':
      if (rest) break;
      return b.push(n, nftMessage(nftMsg.delRule, 0, [t, attr.str(2, name)]));
    case 'delete chain':
      if (rest) break;
      return b.push(n, nftMessage(nftMsg.delChain, 0, [t, attr.str(3, name)]));
    case 'delete set':
      if (rest) break;
      return b.push(n, nftMessage(nftMsg.delSet, 0, [t, attr.str(2, name)]));
    case 'add set':
      return b.push(n, affinitySet(name, rest ?? '', b.nextSetId()));
    case 'add rule':
      return addRule(name, rest ?? '', n, b);
    case 'add element':
    case 'delete element':
      return b.push(n, element(verb === 'add', name, rest ?? ''));
  }
  throw new UnsupportedNft(`${form} …`);
}

/** `{ type ipv4_addr ; flags dynamic,timeout ; timeout Ns ; }`, the one set a partial sync adds. */
function affinitySet(name: string, spec: string, setId: number): NlMessage {
  const m = /^\{ type ipv4_addr ; flags dynamic,timeout ; timeout (\d+)s ; \}$/.exec(spec);
  if (!m) throw new UnsupportedNft('add set other than an IPv4 affinity set');
  const setTimeout = 0x10;
  const setEval = 0x20;
  // NFTNL_UDATA_SET_KEYBYTEORDER = big endian, as nft records it for address keys.
  const userdata = Buffer.from([0, 4, 2, 0, 0, 0]);
  return nftMessage(nftMsg.newSet, nlmF.create, [
    attr.str(1, table),
    attr.str(2, name),
    attr.be32(3, setTimeout | setEval),
    attr.be32(4, setDataType.ipv4Addr),
    attr.be32(5, 4),
    attr.be32(10, setId),
    attr.be64(11, BigInt(m[1]!) * 1000n),
    attr.bytes(13, userdata),
  ]);
}

function addRule(chain: string, text: string, n: number, b: BatchBuilder): void {
  const { body, comment } = splitComment(text);
  const rule = parseRule(body, b.nextSetId);
  for (const set of rule.intervalSets) {
    b.push(n, anonymousIntervalSet(set));
    b.push(n, intervalSetElements(set));
  }
  for (const vmap of rule.vmaps) {
    b.push(n, anonymousVmap(vmap));
    b.push(n, vmapElements(vmap));
  }
  const attrs: Attr[] = [attr.str(1, table), attr.str(2, chain), expressionsAttr(rule.exprs)];
  if (comment !== undefined) attrs.push(attr.bytes(7, commentUserdata(comment)));
  b.push(n, nftMessage(nftMsg.newRule, nlmF.create | nlmF.append, attrs));
  b.debugRules.push(debugRule(chain, rule.exprs));
}

function debugRule(chain: string, exprs: readonly Expr[]): string {
  return [`ip ${table} ${chain}`, ...exprs.map((e) => `  ${debugExpr(e)}`)].join('\n');
}

/** NEWSET of an anonymous constant set nft would create for one rule, found by its batch-local id. */
function anonymousSet(o: { name: string; flags: number; keyType: number; dataType?: number; setId: number; size: number; userdata: string }): NlMessage {
  return nftMessage(nftMsg.newSet, nlmF.create, [
    attr.str(1, table),
    attr.str(2, o.name),
    attr.be32(3, 0x1 | 0x2 | o.flags), // anonymous | constant | …
    attr.be32(4, o.keyType),
    attr.be32(5, 4),
    ...(o.dataType === undefined ? [] : [attr.be32(6, o.dataType), attr.be32(7, 0)]),
    attr.be32(10, o.setId),
    attr.nest(9, [attr.be32(1, o.size)]),
    attr.bytes(13, Buffer.from(o.userdata, 'hex')),
  ]);
}

/**
 * The constant map behind `numgen … vmap { … }`: a map (0x8) from integer keys to verdicts; the
 * kernel names it (__map%d). Its userdata is what nft 1.0.6 writes for it: key byte order host,
 * data (verdict) typeof.
 */
function anonymousVmap(vmap: AnonymousVmap): NlMessage {
  return anonymousSet({ name: '__map%d', flags: 0x8, keyType: setDataType.integer, dataType: setDataType.verdict, setId: vmap.setId, size: vmap.elements.length, userdata: '00040100000001040000000004080004010000000100060400000000' });
}

/**
 * The set behind `ip saddr != { … }`: an interval set (0x4) of ipv4_addr keys. Its userdata is what
 * nft 1.0.6 writes for it: key byte order big endian, auto-merge, and "typeof ip saddr".
 */
function anonymousIntervalSet(set: AnonymousIntervalSet): NlMessage {
  return anonymousSet({ name: '__set%d', flags: 0x4, keyType: setDataType.ipv4Addr, setId: set.setId, size: set.elements.length, userdata: '0004020000000204010000000314000407000000010c00040c00000001040b000000' });
}

/** NFTA_SET_ELEM_FLAGS 1 (NFT_SET_ELEM_INTERVAL_END) marks the first address past a range. */
function intervalSetElements(set: AnonymousIntervalSet): NlMessage {
  const elements = set.elements.map((e) => attr.nest(1, [...(e.end ? [attr.be32(3, 1)] : []), attr.nest(1, [attr.bytes(1, e.key)])]));
  return nftMessage(nftMsg.newSetElem, nlmF.create, [attr.str(1, table), attr.str(2, '__set%d'), attr.be32(4, set.setId), attr.nest(3, elements)]);
}

function vmapElements(vmap: AnonymousVmap): NlMessage {
  const elements = vmap.elements.map((e) => {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(e.key);
    return elementAttr(key, e.verdict, undefined);
  });
  return nftMessage(nftMsg.newSetElem, nlmF.create, [attr.str(1, table), attr.str(2, '__map%d'), attr.be32(4, vmap.setId), attr.nest(3, elements)]);
}

/** NFTA_LIST_ELEM { KEY { VALUE }, [DATA { VERDICT }], [USERDATA] } */
function elementAttr(key: Buffer, verdict: Verdict | undefined, comment: string | undefined): Attr {
  const inner: Attr[] = [attr.nest(1, [attr.bytes(1, key)])];
  if (verdict) inner.push(verdictData(2, verdict));
  if (comment !== undefined) inner.push(attr.bytes(6, commentUserdata(comment)));
  return attr.nest(1, inner);
}

/** `{ KEY [comment "…"] [: VERDICT] }` into a shared set or map (one element per line). */
function element(add: boolean, set: string, text: string): NlMessage {
  const m = /^\{ (.*) \}$/.exec(text);
  if (!m) throw new UnsupportedNft('element list');
  const parts = /^(.*?)(?: comment ("(?:[^"\\]|\\.)*"))?(?: : (.+))?$/.exec(m[1]!)!;
  const [keyText, comment, value] = [parts[1]!, parts[2] === undefined ? undefined : (JSON.parse(parts[2]) as string), parts[3]];
  let verdict: Verdict | undefined;
  if (value !== undefined) {
    const t = new Tokens(value.split(' '));
    verdict = readVerdict(t);
    if (!t.done()) throw new UnsupportedNft('element value');
  }
  if (!add && (verdict || comment !== undefined)) throw new UnsupportedNft('delete element with a value');
  const msg = add ? nftMsg.newSetElem : nftMsg.delSetElem;
  return nftMessage(msg, add ? nlmF.create : 0, [attr.str(1, table), attr.str(2, set), attr.nest(3, [elementAttr(elementKey(keyText), verdict, comment)])]);
}

/**
 * Keys of svcnet's shared sets and maps: ADDR, ADDR . PROTO . PORT, PROTO . PORT. Concatenated
 * fields each take a multiple of 4 bytes (the kernel's 32-bit registers), zero padded.
 */
export function elementKey(text: string): Buffer {
  const fields = text.split(' . ');
  const shape = fields.map((f) => (ipv4Bytes(f) ? 'addr' : f in protoNumber ? 'proto' : portBytes(f) ? 'port' : '?')).join(' . ');
  if (shape !== 'addr' && shape !== 'addr . proto . port' && shape !== 'proto . port') throw new UnsupportedNft(`element key ${shape}`);
  return Buffer.concat(
    fields.map((f) => {
      const out = Buffer.alloc(4);
      const bytes = ipv4Bytes(f) ?? (f in protoNumber ? Buffer.from([protoNumber[f]!]) : portBytes(f)!);
      bytes.copy(out);
      return out;
    }),
  );
}
