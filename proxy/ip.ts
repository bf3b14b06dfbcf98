/**
 * Just enough IP handling for the proxy: parse, print canonically (as Go's net.IP.String() does),
 * and test CIDR membership. Node's `net` module validates but neither canonicalises nor compares.
 */
import { isIP } from 'node:net';

export type IPFamily = 4 | 6;

export interface Cidr {
  readonly family: IPFamily;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

export function ipFamilyOf(ip: string): IPFamily | undefined {
  const f = isIP(ip.trim());
  return f === 4 || f === 6 ? f : undefined;
}

/** Parses an address into 4 or 16 bytes; IPv4-mapped IPv6 is left as IPv6. */
export function parseIP(ip: string): Uint8Array | undefined {
  const text = ip.trim();
  const family = ipFamilyOf(text);
  if (family === 4) return Uint8Array.from(text.split('.').map(Number));
  if (family === 6) return parseIPv6(text);
  return undefined;
}

function parseIPv6(text: string): Uint8Array {
  let head = text;
  let v4Tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4Tail = text.slice(lastColon + 1).split('.').map(Number);
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').filter((g) => g !== '') : []);
  const l = groups(left);
  const r = groups(right);
  const fill = right === undefined ? [] : new Array(8 - l.length - r.length).fill('0');
  const all = [...l, ...fill, ...r].map((g) => parseInt(g, 16));
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4Tail.length === 4) out.set(v4Tail, 12);
  return out;
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (longest zero run compressed, lower case). */
export function formatIP(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Re-prints an address the way kube-proxy does after net.ParseIP; undefined when invalid. */
export function canonicalIP(ip: string): string | undefined {
  const bytes = parseIP(ip);
  return bytes ? formatIP(bytes) : undefined;
}

/** Parses `a.b.c.d/n` (whitespace tolerated, as kube-proxy trims it); host bits are masked off. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, extra] = text.trim().split('/');
  if (addr === undefined || len === undefined || extra !== undefined || !/^\d+$/.test(len)) return undefined;
  const bytes = parseIP(addr);
  if (!bytes) return undefined;
  const prefix = Number(len);
  if (prefix > bytes.length * 8) return undefined;
  const masked = bytes.map((b, i) => b & maskByte(prefix, i));
  return { family: bytes.length === 4 ? 4 : 6, bytes: masked, prefix };
}

function maskByte(prefix: number, index: number): number {
  const bits = Math.max(0, Math.min(8, prefix - index * 8));
  return (0xff << (8 - bits)) & 0xff;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIP(cidr.bytes)}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const bytes = parseIP(ip);
  if (!bytes || bytes.length !== cidr.bytes.length) return false;
  return bytes.every((b, i) => (b & maskByte(cidr.prefix, i)) === cidr.bytes[i]);
}

/** True when `ipOrCidr` is a bare address equal to `ip`, or a CIDR containing it. */
export function addressMatches(ipOrCidr: string, ip: string): boolean {
  if (ipOrCidr.includes('/')) {
    const cidr = parseCidr(ipOrCidr);
    return cidr !== undefined && cidrContains(cidr, ip);
  }
  return canonicalIP(ipOrCidr) !== undefined && canonicalIP(ipOrCidr) === canonicalIP(ip);
}

/** Go's net.JoinHostPort: IPv6 hosts are bracketed. */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function compareIPs(a: string, b: string): number {
  const x = parseIP(a);
  const y = parseIP(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
