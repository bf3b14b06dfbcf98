/** The node's own addresses, for certificate SANs, the `kubernetes` endpoints and Node status. */
import { networkInterfaces } from 'node:os';

export function nodeIPv4Addresses(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  }
  return out;
}
