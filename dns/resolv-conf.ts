/**
 * The default upstreams: the nameservers of the node's /etc/resolv.conf (CoreDNS
 * `forward . /etc/resolv.conf`), leaving out any that is this server itself — forwarding to
 * ourselves would loop (what CoreDNS's loop plugin detects).
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { canonicalIP } from '../common/ip.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export function parseResolvConfNameservers(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, value] = line.split(/\s+/);
    if (key !== 'nameserver' || !value) continue;
    const ip = canonicalIP(value);
    if (ip) out.push(ip);
  }
  return out;
}

/** `host:port`, `[v6]:port`, or a bare host (port 53). */
export function parseHostPort(text: string, defaultPort = 53): HostPort {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (m) return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
  if (canonicalIP(text)) return { host: text, port: defaultPort };
  throw new Error(`dns: bad address ${JSON.stringify(text)} (want HOST:PORT)`);
}

export function formatHostPort(hp: HostPort): string {
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

export function localAddresses(): Set<string> {
  const out = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(canonicalIP(a.address) ?? a.address);
  return out;
}

/** Nameservers from the file that are not this server (same port on one of our addresses, or our exact address). */
export function upstreamsFromResolvConf(listen: HostPort, path = '/etc/resolv.conf'): HostPort[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::';
  const locals = localAddresses();
  return parseResolvConfNameservers(text)
    .map((host) => ({ host, port: 53 }))
    .filter((u) => !(u.port === listen.port && (u.host === canonicalIP(listen.host) || (wildcard && locals.has(u.host)))));
}
