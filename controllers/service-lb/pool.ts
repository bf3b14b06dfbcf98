/**
 * Address pools for load balancer IPs, written as MetalLB's IPAddressPool addresses are:
 * CIDRs (`192.168.1.240/28`), ranges (`192.168.1.240-192.168.1.250`) or single addresses, IPv4
 * or IPv6. Addresses are numbers (bigint) so a /16 or an IPv6 /64 is never materialised.
 */
import { isIP } from 'node:net';
import { SvcnetError } from '../../common/errors.js';

export interface AddressRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

export function parseAddress(s: string): { family: 4 | 6; value: bigint } | undefined {
  const family = isIP(s);
  if (family === 4) return { family, value: s.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n) };
  if (family !== 6) return undefined;
  let text = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseAddress(v4[1])!.value;
    text = text.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  return { family: 6, value: groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
}

export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

function invalid(entry: string, why: string): SvcnetError {
  return new SvcnetError('InvalidArgument', `service-lb: invalid address pool entry ${JSON.stringify(entry)}: ${why}`);
}

/**
 * One pool entry. In IPv4 CIDRs of /30 and wider the network and broadcast addresses are left
 * out: no client can reach a load balancer there.
 */
export function parsePoolEntry(entry: string): AddressRange {
  const text = entry.trim();
  if (text.includes('/')) {
    const [ip, bitsText] = text.split('/');
    const addr = parseAddress(ip);
    const bits = Number(bitsText);
    const width = addr?.family === 4 ? 32 : 128;
    if (!addr || !/^\d+$/.test(bitsText) || bits > width) throw invalid(entry, 'not a CIDR');
    const hostBits = BigInt(width - bits);
    const first = (addr.value >> hostBits) << hostBits;
    const last = first + (1n << hostBits) - 1n;
    if (addr.family === 4 && bits <= 30) return { family: 4, first: first + 1n, last: last - 1n };
    return { family: addr.family, first, last };
  }
  if (text.includes('-')) {
    const [a, b] = text.split('-').map((x) => parseAddress(x.trim()));
    if (!a || !b || a.family !== b.family) throw invalid(entry, 'not a range of two addresses of one family');
    if (a.value > b.value) throw invalid(entry, 'the range ends before it starts');
    return { family: a.family, first: a.value, last: b.value };
  }
  const one = parseAddress(text);
  if (!one) throw invalid(entry, 'not an address, CIDR or range');
  return { family: one.family, first: one.value, last: one.value };
}

export class AddressPool {
  readonly ranges: readonly AddressRange[];

  constructor(entries: readonly string[]) {
    this.ranges = entries.map(parsePoolEntry);
  }

  contains(ip: string): boolean {
    const a = parseAddress(ip);
    return !!a && this.ranges.some((r) => r.family === a.family && a.value >= r.first && a.value <= r.last);
  }

  /** The lowest address of `family` (any when omitted) not in `used`, in pool order. */
  firstFree(used: ReadonlySet<string>, family?: 4 | 6): string | undefined {
    for (const r of this.ranges) {
      if (family && r.family !== family) continue;
      // `used` is finite, so at most used.size + 1 candidates are looked at per range.
      for (let v = r.first; v <= r.last; v++) {
        const ip = formatAddress(r.family, v);
        if (!used.has(ip)) return ip;
      }
    }
    return undefined;
  }
}
