/**
 * The chain names real kube-proxy computes (pkg/proxy/iptables: portProtoHash and
 * servicePortEndpointChainName), recomputed here so the walkthrough checks svcnet's rules
 * against upstream's naming independently of svcnet proxy's own code.
 */
import { createHash } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding), enough for the 16 characters kube-proxy keeps. */
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

function hash16(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** `servicePortName` is `ns/name` plus `:port-name` when the port is named. */
export function serviceChain(servicePortName: string, protocol = 'tcp'): string {
  return `KUBE-SVC-${hash16(servicePortName + protocol)}`;
}

/** `endpoint` is `ip:port`. */
export function endpointChain(servicePortName: string, endpoint: string, protocol = 'tcp'): string {
  return `KUBE-SEP-${hash16(servicePortName + protocol + endpoint)}`;
}
