/** IP helpers DNS needs: wire bytes, canonical text, dashed labels and reverse (PTR) names. */
import { isIPv4, isIPv6 } from 'node:net';

/** 4 or 16 bytes, or null when `text` is not an IP literal. */
export function ipBytes(text: string): Uint8Array | null {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number));
  if (isIPv6(text)) return ipv6Bytes(text);
  return null;
}

function ipv6Bytes(text: string): Uint8Array | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const out = new Uint8Array(16);
  // An embedded dotted quad (::ffff:1.2.3.4) becomes the last two groups.
  const lastColon = s.lastIndexOf(':');
  let tail: number[] = [];
  if (s.indexOf('.', lastColon) >= 0) {
    const quad = s.slice(lastColon + 1).split('.').map(Number);
    tail = [(quad[0]! << 8) | quad[1]!, (quad[2]! << 8) | quad[3]!];
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...new Array(fill).fill('0'), ...restGroups].map((g) => parseInt(g, 16));
  if (tail.length) groups.splice(6, 2, ...tail);
  if (groups.length !== 8 || groups.some((g) => !(g >= 0 && g <= 0xffff))) return null;
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** RFC 5952 text: v4 dotted, v6 lower case with the longest zero run compressed. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
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

/** Canonical text of an IP literal, or null. */
export function canonicalIp(text: string): string | null {
  const b = ipBytes(text);
  return b ? formatIp(b) : null;
}

export function isV4(ip: string): boolean {
  return !ip.includes(':');
}

/** CoreDNS's endpoint label for an address without hostname: `10-0-0-1`, `5678-abcd--1`, `2001-db8--0`. */
export function dashedIp(ip: string): string {
  // split/join makes one flat string; replaceAll leaves a chain of cons strings, which at 100,000
  // endpoints costs megabytes for labels that live as long as the index.
  if (isV4(ip)) return ip.split('.').join('-');
  const d = ip.split(':').join('-');
  return d.endsWith('-') ? d + '0' : d;
}

/**
 * The pod label back to an IP: `a-b-c-d` (exactly three dashes, no `--`) is v4, anything else
 * has its dashes read as colons (v6). Null when the result is not an IP.
 */
export function ipFromDashed(label: string): string | null {
  const dashes = label.split('-').length - 1;
  const text = dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return canonicalIp(text);
}

/** The IP a reverse name stands for (labels lower case, zone included), or null. */
export function ipFromReverseLabels(labels: readonly string[]): string | null {
  const n = labels.length;
  if (n === 6 && labels[4] === 'in-addr' && labels[5] === 'arpa') {
    const octets = labels.slice(0, 4).reverse();
    if (!octets.every((o) => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255)) return null;
    return octets.join('.');
  }
  if (n === 34 && labels[32] === 'ip6' && labels[33] === 'arpa') {
    const nibbles = labels.slice(0, 32).reverse();
    if (!nibbles.every((x) => /^[0-9a-f]$/.test(x))) return null;
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = parseInt(nibbles[2 * i]! + nibbles[2 * i + 1]!, 16);
    return formatIp(bytes);
  }
  return null;
}

/** The PTR owner name for an IP, without trailing dot. */
export function reverseName(ip: string): string {
  const b = ipBytes(ip);
  if (!b) throw new Error(`dns: not an IP: ${ip}`);
  if (b.length === 4) return `${b[3]}.${b[2]}.${b[1]}.${b[0]}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) nibbles.push((b[i]! & 0xf).toString(16), (b[i]! >> 4).toString(16));
  return `${nibbles.join('.')}.ip6.arpa`;
}
