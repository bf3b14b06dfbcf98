/** IPv4 arithmetic for the pod network: parse CIDRs, pick a node's /24, walk its addresses. */
import { SvcnetError } from '../../common/errors.js';

export interface Cidr {
  base: number; // network address as an unsigned 32-bit number
  prefix: number;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new SvcnetError('InvalidArgument', `agent: "${ip}" is not an IPv4 address`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split('/');
  const prefix = Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new SvcnetError('InvalidArgument', `agent: "${text}" is not an IPv4 CIDR`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ipToNumber(ip) & mask) >>> 0, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${numberToIp(c.base)}/${c.prefix}`;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= c.base && n < c.base + cidrSize(c);
}

/**
 * The first /24 of the cluster range that no other node has, as the node IPAM controller of
 * kube-controller-manager hands them out. Throws when the range is full.
 */
export function chooseNodePodCidr(clusterCidr: string, taken: string[], nodePrefix = 24): string {
  const cluster = parseCidr(clusterCidr);
  if (cluster.prefix > nodePrefix) throw new SvcnetError('InvalidArgument', `agent: cluster CIDR ${clusterCidr} is smaller than a /${nodePrefix}`);
  const used = new Set(taken.map((t) => formatCidr(parseCidr(t))));
  const step = 2 ** (32 - nodePrefix);
  for (let base = cluster.base; base < cluster.base + cidrSize(cluster); base += step) {
    const candidate = formatCidr({ base, prefix: nodePrefix });
    if (!used.has(candidate)) return candidate;
  }
  throw new SvcnetError('CidrExhausted', `agent: every /${nodePrefix} of ${clusterCidr} is taken by another node`);
}

/** The bridge's address: the first usable address of the node's pod range. */
export function gatewayOf(podCidr: string): string {
  return numberToIp(parseCidr(podCidr).base + 1);
}

/** Addresses pods may get: from the second usable one to the last before broadcast. */
export function podAddressRange(podCidr: string): { first: number; last: number } {
  const c = parseCidr(podCidr);
  return { first: c.base + 2, last: c.base + cidrSize(c) - 2 };
}
