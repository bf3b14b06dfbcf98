/**
 * Resource records as the answer builders produce them and the encoder writes them. Names are
 * dotted text without the trailing dot ('' is the root). An owner of `null` means "the question
 * name exactly as received": the encoder points at the question, which keeps the client's case and
 * any odd bytes (a label holding a literal dot) without ever re-spelling them.
 */

export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended (OPT) rcode 16: header carries 0, the OPT's extended-rcode byte carries 1. */
  BADVERS: 16,
} as const;

export const ClassIN = 1;

type Owner = string | null;

export type RR =
  | { name: Owner; ttl: number; type: 'A' | 'AAAA'; address: string }
  | { name: Owner; ttl: number; type: 'CNAME' | 'PTR' | 'NS'; target: string }
  | { name: Owner; ttl: number; type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { name: Owner; ttl: number; type: 'MX'; preference: number; exchange: string }
  | { name: Owner; ttl: number; type: 'TXT'; texts: string[] }
  | { name: Owner; ttl: number; type: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  /** Any other type, rdata kept as received (RFC 3597: no names to decompress in newer types). */
  | { name: Owner; ttl: number; type: 'RAW'; code: number; rclass: number; data: Uint8Array };

export interface Answer {
  rcode: number;
  authoritative: boolean;
  answer: RR[];
  authority: RR[];
  additional: RR[];
  /** Set when part of the answer came from an upstream reply that was itself truncated. */
  truncated?: boolean;
  /** Upstream answers set RA (recursion available); cluster answers leave it clear. */
  recursionAvailable?: boolean;
}

const codeByName: Record<string, number> = RRType;
const nameByCode = new Map(Object.entries(RRType).map(([k, v]) => [v as number, k]));

export function typeCode(rr: RR): number {
  return rr.type === 'RAW' ? rr.code : codeByName[rr.type]!;
}

export function typeName(code: number): string {
  return nameByCode.get(code) ?? `TYPE${code}`;
}

/** Zone-file text of one record (tests compare answers in this form, CoreDNS-test style). */
export function formatRR(rr: RR, qname: string): string {
  const owner = `${rr.name ?? qname}.`.replace(/^\.\.$/, '.');
  const head = `${owner} ${rr.ttl} IN`;
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return `${head} ${rr.type} ${rr.address}`;
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return `${head} ${rr.type} ${rr.target}.`;
    case 'SRV':
      return `${head} SRV ${rr.priority} ${rr.weight} ${rr.port} ${rr.target}.`;
    case 'MX':
      return `${head} MX ${rr.preference} ${rr.exchange}.`;
    case 'TXT':
      return `${head} TXT ${rr.texts.map((t) => JSON.stringify(t)).join(' ')}`;
    case 'SOA':
      return `${head} SOA ${rr.mname}. ${rr.rname}. ${rr.serial} ${rr.refresh} ${rr.retry} ${rr.expire} ${rr.minimum}`;
    case 'RAW':
      return `${head} ${typeName(rr.code)} \\# ${rr.data.length} ${Buffer.from(rr.data).toString('hex')}`;
  }
}
