/**
 * The proxy's IP handling: CIDRs and their membership, host:port joining and address ordering, on
 * top of the parsing and canonical printing in common/ip.ts.
 */
import { canonicalIP, formatIP, parseIP, type IPFamily } from '../common/ip.js';

export { canonicalIP, formatIP, ipFamilyOf, parseIP, type IPFamily } from '../common/ip.js';

export interface Cidr {
  readonly family: IPFamily;
  readonly bytes: Uint8Array;
  readonly prefix: number;
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
