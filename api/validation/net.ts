/**
 * IP and CIDR checks as k8s.io/utils/net (ParseIPSloppy: IPv4 octets may carry leading zeros) and
 * the messages of apimachinery's IsValidIP / IsValidCIDR and core's ValidateNonSpecialIP (1.32).
 */
import { fieldErr, type FieldError } from '../errors.js';

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%') || !s.includes(':')) return undefined;
  let tail4: number[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail4 = v4;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return bytes;
}

/** 4 bytes for IPv4 (also IPv4-mapped IPv6), 16 for IPv6, undefined when not an IP. */
export function parseIPSloppy(s: string): number[] | undefined {
  const v4 = parseIPv4(s);
  if (v4) return v4;
  const v6 = parseIPv6(s);
  if (!v6) return undefined;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

export function isIPv6String(s: string): boolean {
  const ip = parseIPSloppy(s);
  return ip !== undefined && ip.length === 16;
}

export function isValidIP(path: string, value: string): FieldError[] {
  return parseIPSloppy(value) ? [] : [fieldErr.invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

export function isValidIPv4Address(path: string, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  return ip && ip.length === 4 ? [] : [fieldErr.invalid(path, value, 'must be a valid IPv4 address')];
}

export function isValidIPv6Address(path: string, value: string): FieldError[] {
  const ip = parseIPSloppy(value);
  return ip && ip.length === 16 ? [] : [fieldErr.invalid(path, value, 'must be a valid IPv6 address')];
}

export function parseCIDRSloppy(value: string): { ip: number[]; bits: number } | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPSloppy(value.slice(0, slash));
  const bitsText = value.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  return bits <= ip.length * 8 ? { ip, bits } : undefined;
}

export function isValidCIDR(path: string, value: string): FieldError[] {
  return parseCIDRSloppy(value) ? [] : [fieldErr.invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/**
 * Endpoint and external IPs may not be unspecified, loopback or link-local: those make no sense
 * as a destination for the whole cluster.
 */
export function validateNonSpecialIP(value: string, path: string): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [fieldErr.invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v4 = ip.length === 4;
  if (ip.every((b) => b === 0)) errs.push(fieldErr.invalid(path, value, `may not be unspecified (${value})`));
  const loopback = v4 ? ip[0] === 127 : ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
  if (loopback) errs.push(fieldErr.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocal = v4 ? ip[0] === 169 && ip[1] === 254 : ip[0] === 0xfe && (ip[1] & 0xc0) === 0x80;
  if (linkLocal) errs.push(fieldErr.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const linkLocalMulticast = v4 ? ip[0] === 224 && ip[1] === 0 && ip[2] === 0 : ip[0] === 0xff && (ip[1] & 0x0f) === 0x02;
  if (linkLocalMulticast) errs.push(fieldErr.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** Go's net.ParseIP (strict: no leading zeros), used where upstream rejects IPs as host names. */
export function looksLikeIP(value: string): boolean {
  const ip = parseIPSloppy(value);
  if (!ip) return false;
  return ip.length === 16 || value.split('.').every((p) => p === '0' || !p.startsWith('0'));
}
