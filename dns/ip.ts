/** IP helpers DNS needs: wire bytes, canonical text, dashed labels and reverse (PTR) names. */
import { canonicalIP, formatIP, parseIP } from '../common/ip.js';

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
  return canonicalIP(text) ?? null;
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
    return formatIP(bytes);
  }
  return null;
}

/** The PTR owner name for an IP, without trailing dot. */
export function reverseName(ip: string): string {
  const b = parseIP(ip);
  if (!b) throw new Error(`dns: not an IP: ${ip}`);
  if (b.length === 4) return `${b[3]}.${b[2]}.${b[1]}.${b[0]}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) nibbles.push((b[i]! & 0xf).toString(16), (b[i]! >> 4).toString(16));
  return `${nibbles.join('.')}.ip6.arpa`;
}
