/**
 * The pod's /etc/resolv.conf, following the kubelet's rules (shared/reference/dns.md §3):
 * ClusterFirst → cluster search list + host search list, the cluster DNS server, `ndots:5`;
 * ClusterFirst with hostNetwork → Default; Default → the host's file; None → only dnsConfig;
 * dnsConfig is merged on top of any policy. Limits: 3 nameservers, 32 search domains/2048 chars.
 */
import type { PodDNSConfig, PodSpec } from './types.js';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[]; // "name" or "name:value"
}

const maxNameservers = 3;
const maxSearches = 32;
const maxSearchChars = 2048;

/** Parses a host resolv.conf: nameservers accumulate, the last search and options lines win. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) out.nameservers.push(fields[0]);
    else if (key === 'search') out.searches = fields.map((f) => f.replace(/\.$/, '')).filter((f) => f !== '');
    else if (key === 'options') out.options = fields;
  }
  return out;
}

export interface ClusterDnsSettings {
  clusterDNS: string[];
  clusterDomain: string;
  host: ResolvConf;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function basePolicy(spec: PodSpec): 'cluster' | 'host' | 'none' {
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return 'none';
  if (policy === 'Default') return 'host';
  if (policy === 'ClusterFirst' && spec.hostNetwork) return 'host';
  return 'cluster';
}

function clusterBase(namespace: string, s: ClusterDnsSettings): ResolvConf {
  if (s.clusterDNS.length === 0) return s.host; // kubelet: MissingClusterDNS, falls back to Default
  const ownSearch = s.clusterDomain ? [`${namespace}.svc.${s.clusterDomain}`, `svc.${s.clusterDomain}`, s.clusterDomain] : [];
  return { nameservers: [...s.clusterDNS], searches: unique([...ownSearch, ...s.host.searches]), options: ['ndots:5'] };
}

/** Pod options override base options by name (`ndots:2` replaces `ndots:5`). */
function mergeOptions(base: string[], extra: PodDNSConfig['options']): string[] {
  const byName = new Map<string, string>();
  for (const o of base) byName.set(o.split(':')[0], o);
  for (const o of extra ?? []) byName.set(o.name, o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name);
  return [...byName.values()];
}

function limitSearches(searches: string[]): string[] {
  const list = searches.slice(0, maxSearches).filter((s) => s.length <= 253);
  while (list.length > 0 && list.join(' ').length > maxSearchChars) list.pop();
  return list;
}

export function podResolvConf(spec: PodSpec, namespace: string, s: ClusterDnsSettings): ResolvConf {
  const kind = basePolicy(spec);
  const base = kind === 'none' ? { nameservers: [], searches: [], options: [] } : kind === 'host' ? s.host : clusterBase(namespace, s);
  const cfg = spec.dnsConfig ?? {};
  return {
    nameservers: unique([...base.nameservers, ...(cfg.nameservers ?? [])]).slice(0, maxNameservers),
    searches: limitSearches(unique([...base.searches, ...(cfg.searches ?? [])])),
    options: mergeOptions(base.options, cfg.options),
  };
}

/** containerd's layout: search, one nameserver line each, options; empty lines left out. */
export function renderResolvConf(r: ResolvConf): string {
  const lines: string[] = [];
  if (r.searches.length) lines.push(`search ${r.searches.join(' ')}`);
  for (const ns of r.nameservers) lines.push(`nameserver ${ns}`);
  if (r.options.length) lines.push(`options ${r.options.join(' ')}`);
  return lines.join('\n') + '\n';
}
