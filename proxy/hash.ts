/**
 * The chain and set names kube-proxy derives from service and endpoint names. They must match
 * upstream exactly, so operators (and upstream tooling) recognise the chains.
 *
 * iptables: KUBE-{SVC,SVL,EXT,FW}- + hash16(servicePortName + proto); KUBE-SEP- + hash16(
 * servicePortName + proto + "ip:port"). No separators, IP family not hashed. 9 + 16 = 25 chars,
 * under iptables' 28-char limit.
 *
 * nftables: "<hash8>-ns/name/proto/port" (and "...__ip/port" for endpoints), IPv6 colons become
 * dots; truncated to 240 - 16 = 224 chars (prefix budget 16) with "..." if ever longer.
 */
import { createHash } from 'node:crypto';

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (callers only ever take a prefix). */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += base32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

/** The first `chars` base32 characters of sha256(text); only the bytes needed are encoded. */
function sha256Base32(text: string, chars: number): string {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return base32(digest.subarray(0, Math.ceil((chars * 5) / 8))).slice(0, chars);
}

/** First 16 base32 characters of sha256(text): the iptables chain suffix. */
export function hash16(text: string): string {
  return sha256Base32(text, 16);
}

export const iptablesChainPrefix = {
  clusterPolicy: 'KUBE-SVC-',
  localPolicy: 'KUBE-SVL-',
  external: 'KUBE-EXT-',
  firewall: 'KUBE-FW-',
  endpoint: 'KUBE-SEP-',
} as const;

export function iptablesServiceChain(kind: Exclude<keyof typeof iptablesChainPrefix, 'endpoint'>, portName: string, protocol: string): string {
  return iptablesChainPrefix[kind] + iptablesServiceHash(portName, protocol);
}

/** The suffix SVC, SVL, EXT and FW share: hash it once per service port. */
export function iptablesServiceHash(portName: string, protocol: string): string {
  return hash16(portName + protocol.toLowerCase());
}

export function iptablesEndpointChain(portName: string, protocol: string, endpoint: string): string {
  return iptablesChainPrefix.endpoint + hash16(portName + protocol.toLowerCase() + endpoint);
}

/** knftables.NameLengthMax (256) minus 16 for the longest chain prefix. */
const nftChainNameBaseLengthMax = 256 - 16;

function hashAndTruncate(name: string): string {
  const full = `${sha256Base32(name, 8)}-${name}`;
  return full.length > nftChainNameBaseLengthMax ? full.slice(0, nftChainNameBaseLengthMax - 3) + '...' : full;
}

/** e.g. "ULMVA6XW-ns1/svc1/tcp/p80"; an unnamed port leaves a trailing slash. */
export function nftServiceChainBase(namespace: string, name: string, protocol: string, portName: string): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol.toLowerCase()}/${portName}`);
}

/** e.g. "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"; IPv6 colons become dots (chain-name charset). */
export function nftEndpointChainBase(namespace: string, name: string, protocol: string, portName: string, ip: string, port: number): string {
  const safeIP = ip.replaceAll(':', '.');
  return hashAndTruncate(`${namespace}/${name}/${protocol.toLowerCase()}/${portName}__${safeIP}/${port}`);
}
