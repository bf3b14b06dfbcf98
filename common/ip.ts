/**
 * IP literals as bytes and as canonical text (RFC 5952 for IPv6, as Go's net.IP.String() prints
 * it), shared by the proxy, DNS and the API server. Node's `net` module validates addresses but
 * neither canonicalises nor returns their bytes.
 */
import { isIP } from 'node:net';

export type IPFamily = 4 | 6;

/** 4 or 6 for an IP literal (surrounding whitespace ignored), else undefined. */
export function ipFamilyOf(ip: string): IPFamily | undefined {
  const f = isIP(ip.trim());
  return f === 4 || f === 6 ? f : undefined;
}

/** 4 or 16 bytes (IPv4-mapped IPv6 stays 16), or undefined when `ip` is not an IP literal. */
export function parseIP(ip: string): Uint8Array | undefined {
  const text = ip.trim();
  const family = ipFamilyOf(text);
  if (family === 4) return Uint8Array.from(text.split('.').map(Number));
  if (family === 6) return parseIPv6(text);
  return undefined;
}

/** Bytes of a literal `isIP` accepted as IPv6 (a `%zone` suffix is dropped). */
function parseIPv6(literal: string): Uint8Array {
  const zone = literal.indexOf('%');
  let text = zone >= 0 ? literal.slice(0, zone) : literal;
  // An embedded dotted quad (::ffff:1.2.3.4) becomes the last two groups.
  let v4Tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4Tail = text.slice(lastColon + 1).split('.').map(Number);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').filter((g) => g !== '') : []);
  const l = groups(left);
  const r = groups(right);
  const fill = right === undefined ? [] : new Array(8 - l.length - r.length).fill('0');
  const out = new Uint8Array(16);
  [...l, ...fill, ...r].map((g) => parseInt(g, 16)).forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4Tail.length === 4) out.set(v4Tail, 12);
  return out;
}

/** Canonical text: dotted quad, or IPv6 in lower case with the longest run of ≥ 2 zero groups compressed. */
export function formatIP(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The canonical text of an IP literal, or undefined when it is not one. */
export function canonicalIP(ip: string): string | undefined {
  const bytes = parseIP(ip);
  return bytes ? formatIP(bytes) : undefined;
}
