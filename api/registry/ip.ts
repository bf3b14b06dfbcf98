/** IPv4 helpers for allocation: addresses as unsigned 32-bit numbers. */
export interface Cidr {
  base: number; // network address
  size: number; // number of addresses in the range
  prefix: number;
  text: string;
}

export function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(s: string): Cidr {
  const [addr, bits] = s.split('/');
  const ip = parseIPv4(addr ?? '');
  const prefix = Number(bits);
  if (ip === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid CIDR ${JSON.stringify(s)}`);
  const size = 2 ** (32 - prefix);
  const base = prefix === 0 ? 0 : (ip & ~(size - 1)) >>> 0;
  return { base, size, prefix, text: `${formatIPv4(base)}/${prefix}` };
}

/** The n-th address of a range (n = 1 is the first usable one). */
export function nthAddress(cidr: Cidr, n: number): string {
  return formatIPv4((cidr.base + n) >>> 0);
}
