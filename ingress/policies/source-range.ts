/**
 * `whitelist-source-range` (alias `allowlist-source-range`) and `denylist-source-range`: CIDR
 * lists checked against the client's address (the TCP peer; forwarded headers are not trusted).
 * Outside the allow list, or inside the deny list → 403.
 */
import net from 'node:net';
import type { Gate, PolicyAnswer } from './policy.js';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Comma-separated CIDRs (`10.0.0.0/24`, `192.168.1.5`, `fd00::/8`); the whole list or nothing. */
export function parseCidrList(v: string): Cidr[] | undefined {
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0 || parts.length > 1024) return undefined;
  const out: Cidr[] = [];
  for (const p of parts) {
    const [address, prefixText, extra] = p.split('/');
    if (extra !== undefined) return undefined;
    const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
    if (!family) return undefined;
    const max = family === 'ipv4' ? 32 : 128;
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (prefix > max) return undefined;
    out.push({ address, prefix, family });
  }
  return out;
}

function blockListOf(cidrs: readonly Cidr[]): net.BlockList {
  const list = new net.BlockList();
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family);
  return list;
}

const forbidden: PolicyAnswer = { kind: 'answer', status: 403, headers: [], emptyBody: false };

/** address → inside one of the ranges (false for anything that is not an IP address). */
export function cidrMatcher(cidrs: readonly Cidr[]): (address: string) => boolean {
  const list = blockListOf(cidrs);
  return (address) => {
    const family = net.isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

export function sourceRangeGate(allow: readonly Cidr[] | undefined, deny: readonly Cidr[] | undefined): Gate {
  const allowed = allow ? cidrMatcher(allow) : undefined;
  const denied = deny ? cidrMatcher(deny) : undefined;
  return (req) => {
    const a = req.remoteAddress;
    if (!net.isIP(a)) return forbidden;
    if (denied?.(a)) return forbidden;
    if (allowed && !allowed(a)) return forbidden;
    return undefined;
  };
}
