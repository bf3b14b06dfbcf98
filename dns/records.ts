/**
 * Answers one question from the cluster index, as CoreDNS's kubernetes plugin does (grammar in
 * parse.go, lookups in kubernetes.go, record building in backend_lookup.go). Pure: no clock, no
 * network. A name outside the configured zones, or a reverse name nobody owns when reverse
 * fallthrough is on, comes back as `{ kind: 'forward' }` for the forwarder.
 */
import type { ClusterIndex } from './cluster-index.js';
import { ipFromReverseLabels } from './ip.js';
import { serviceKey } from './model.js';
import { podAnswer } from './pod-records.js';
import { reverseAnswer } from './reverse-records.js';
import { Rcode, RRType, type Answer, type RR } from './rr.js';
import { serviceAnswer } from './service-records.js';

export type PodsMode = 'disabled' | 'insecure';

export interface RecordsConfig {
  /** Cluster domain, lower case, no trailing dot. */
  readonly zone: string;
  /** Reverse zones answered for PTR (kubeadm: in-addr.arpa and ip6.arpa). */
  readonly reverseZones: readonly string[];
  /** TTL of every service, endpoint and pod record (CoreDNS default 5, kubeadm 30). */
  readonly ttl: number;
  /** TTL of the dns-version TXT (28800 from the plugin; a `cache 30` in front shows 30). */
  readonly dnsVersionTtl: number;
  readonly pods: PodsMode;
  /** Unknown reverse names go to the upstreams instead of NXDOMAIN (kubeadm `fallthrough in-addr.arpa ip6.arpa`). */
  readonly reverseFallthrough: boolean;
  /** The Service this server runs behind; the apex NS names it when it exists. */
  readonly dnsService: { readonly namespace: string; readonly name: string };
  /** Glue for `ns.dns.<zone>` when that Service does not exist (CoreDNS: the server's own IPs). */
  readonly nsAddresses: readonly string[];
  /** CoreDNS `ignore empty_service`: a ClusterIP Service without ready endpoints is NXDOMAIN. */
  readonly ignoreEmptyService?: boolean;
}

export const defaultRecordsConfig: RecordsConfig = {
  zone: 'cluster.local',
  reverseZones: ['in-addr.arpa', 'ip6.arpa'],
  ttl: 30,
  dnsVersionTtl: 30,
  pods: 'insecure',
  reverseFallthrough: true,
  dnsService: { namespace: 'kube-system', name: 'kube-dns' },
  nsAddresses: ['127.0.0.1'],
};

export const schemaVersion = '1.1.0';
/** CNAME chains inside the zone are followed this deep (CoreDNS: 10). */
const maxCnameDepth = 10;

/** A question: labels as received (case kept; a label holding a literal dot arrives escaped as `\.`). */
export interface Question {
  readonly labels: readonly string[];
  readonly type: number;
}

export type LocalAnswer = {
  kind: 'answer';
  chase?: Chase;
  /**
   * What the answer reads, for the reply cache: the `ns/name` of the one Service it is built from
   * alone, or `namespacesScope`; undefined when it may read anything. The SOA serial of a negative
   * answer does not count: a cached reply gets the current serial written in (see handler.ts).
   */
  scope?: string;
} & Answer;

/**
 * The scope of answers that read nothing but which namespaces exist. Not an `ns/name`: the index
 * reports a change in the set of namespaces as a change to everything.
 */
export const namespacesScope = '\0namespaces';
export type Resolution = LocalAnswer | { kind: 'forward' };

/** An ExternalName target outside the zone: the server asks the upstreams and appends their answer. */
export interface Chase {
  readonly name: string;
  readonly type: number;
  /** The answer when the upstreams fail: the CNAME is dropped, leaving NODATA (CoreDNS). */
  readonly failed: LocalAnswer;
}

/** What the builders share for one question. */
export interface Lookup {
  readonly index: ClusterIndex;
  readonly cfg: RecordsConfig;
  /** Owner for answer records: null = the question name itself. */
  readonly owner: string | null;
  /** The matched zone as the client spelled it (targets and the SOA use it). */
  readonly zoneText: string;
  readonly type: number;
  readonly depth: number;
}

export function resolve(index: ClusterIndex, cfg: RecordsConfig, q: Question): Resolution {
  return resolveLabels(index, cfg, q.labels, q.type, null, 0);
}

function resolveLabels(index: ClusterIndex, cfg: RecordsConfig, labels: readonly string[], type: number, owner: string | null, depth: number): Resolution {
  const lower = labels.map((l) => l.toLowerCase());
  const zoneLabels = cfg.zone.split('.');
  if (hasSuffix(lower, zoneLabels)) {
    const lk: Lookup = { index, cfg, owner, type, depth, zoneText: labels.slice(labels.length - zoneLabels.length).join('.') };
    return clusterAnswer(lk, lower.slice(0, lower.length - zoneLabels.length));
  }
  for (const zone of cfg.reverseZones) {
    const zl = zone.split('.');
    if (!hasSuffix(lower, zl)) continue;
    const lk: Lookup = { index, cfg, owner, type, depth, zoneText: labels.slice(labels.length - zl.length).join('.') };
    const ip = ipFromReverseLabels(lower);
    const res = reverseAnswer(lk, ip);
    if (res.kind === 'answer' && res.rcode === Rcode.NXDOMAIN && cfg.reverseFallthrough) return { kind: 'forward' };
    return res;
  }
  return { kind: 'forward' };
}

/** Names under the cluster zone; `rest` = the labels left of the zone, lower case. */
function clusterAnswer(lk: Lookup, rest: readonly string[]): Resolution {
  const n = rest.length;
  if (n === 0) return apexAnswer(lk);
  if (n === 1 && rest[0] === 'dns-version') {
    if (lk.type !== RRType.TXT) return negative(lk, Rcode.NXDOMAIN);
    return positive([{ name: lk.owner, ttl: lk.cfg.dnsVersionTtl, type: 'TXT', texts: [schemaVersion] }]);
  }
  if (n === 2 && rest[0] === 'ns' && rest[1] === 'dns') return nsHostAnswer(lk);
  const last = rest[n - 1];
  if (last !== 'svc' && last !== 'pod') return negative(lk, Rcode.NXDOMAIN);
  if (n === 1) return negative(lk, Rcode.NOERROR);
  if (last === 'pod') return podAnswer(lk, rest);
  const namespace = rest[n - 2]!;
  if (!lk.index.namespaceExists(namespace)) return scoped(negative(lk, Rcode.NXDOMAIN), namespacesScope);
  if (n === 2) return scoped(negative(lk, Rcode.NOERROR), namespacesScope);
  const extra = rest.slice(0, n - 3);
  if (extra.length > 2) return scoped(negative(lk, Rcode.NXDOMAIN), namespacesScope);
  const svc = lk.index.service(namespace, rest[n - 3]!);
  if (!svc) return scoped(negative(lk, Rcode.NXDOMAIN), serviceKey(namespace, rest[n - 3]!));
  const query =
    extra.length === 1 ? { endpoint: extra[0]!, port: '', protocol: '' }
    : extra.length === 2 ? { endpoint: '', port: stripUnderscore(extra[0]!), protocol: stripUnderscore(extra[1]!) }
    : { endpoint: '', port: '', protocol: '' };
  const res = serviceAnswer(lk, svc, query);
  // An answer for a ClusterIP or headless Service reads that Service and its slices only; an
  // ExternalName's may follow its CNAME into other Services.
  return svc.kind === 'ExternalName' || res.kind !== 'answer' ? res : scoped(res, serviceKey(namespace, svc.name));
}

function scoped(res: LocalAnswer, scope: string): LocalAnswer {
  return { ...res, scope };
}

function apexAnswer(lk: Lookup): Resolution {
  if (lk.type === RRType.SOA) return positive([soaRecord(lk)]);
  if (lk.type !== RRType.NS) return negative(lk, Rcode.NOERROR);
  const { target, addresses } = nameServer(lk);
  const additional = addresses.map((address): RR => ({ name: target, ttl: lk.cfg.ttl, type: address.includes(':') ? 'AAAA' : 'A', address }));
  return { ...positive([{ name: lk.owner, ttl: lk.cfg.ttl, type: 'NS', target }]), additional };
}

/** `ns.dns.<zone>` A/AAAA: the addresses the apex NS glue names. */
function nsHostAnswer(lk: Lookup): Resolution {
  const family = lk.type === RRType.A ? 'A' : lk.type === RRType.AAAA ? 'AAAA' : undefined;
  const records = family ? lk.cfg.nsAddresses.filter((a) => (family === 'A') !== a.includes(':')).map((address): RR => ({ name: lk.owner, ttl: lk.cfg.ttl, type: family, address })) : [];
  return records.length ? positive(records) : negative(lk, Rcode.NOERROR);
}

/** The NS target: the DNS Service when it exists (kubeadm's kube-dns), else `ns.dns.<zone>`. */
function nameServer(lk: Lookup): { target: string; addresses: readonly string[] } {
  const { namespace, name } = lk.cfg.dnsService;
  const svc = lk.index.service(namespace, name);
  if (svc && svc.clusterIPs.length) return { target: `${name}.${namespace}.svc.${lk.zoneText}`, addresses: svc.clusterIPs };
  return { target: `ns.dns.${lk.zoneText}`, addresses: lk.cfg.nsAddresses };
}

/** Follows an ExternalName CNAME target inside the zone; null when it leads nowhere. */
export function resolveInZone(lk: Lookup, target: string): RR[] | null {
  if (lk.depth >= maxCnameDepth) return null;
  const res = resolveLabels(lk.index, lk.cfg, target.split('.'), lk.type, target, lk.depth + 1);
  if (res.kind !== 'answer' || res.rcode !== Rcode.NOERROR || !res.answer.length) return null;
  return res.answer;
}

export function isInZone(cfg: RecordsConfig, name: string): boolean {
  return hasSuffix(name.toLowerCase().split('.'), cfg.zone.split('.'));
}

export function positive(answer: RR[], additional: RR[] = []): LocalAnswer {
  return { kind: 'answer', rcode: Rcode.NOERROR, authoritative: true, answer, authority: [], additional };
}

/** NXDOMAIN or NODATA (rcode NOERROR): empty answer, one SOA. Before the first sync NXDOMAIN is SERVFAIL. */
export function negative(lk: Lookup, rcode: number): LocalAnswer {
  const code = rcode === Rcode.NXDOMAIN && !lk.index.synced ? Rcode.SERVFAIL : rcode;
  return { kind: 'answer', rcode: code, authoritative: true, answer: [], authority: [soaRecord(lk)], additional: [] };
}

export function soaRecord(lk: Lookup): RR {
  const z = lk.zoneText;
  const ttl = lk.cfg.ttl;
  return { name: z, ttl: Math.min(ttl, 300), type: 'SOA', mname: `ns.dns.${z}`, rname: `hostmaster.${z}`, serial: lk.index.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl };
}

function stripUnderscore(label: string): string {
  return label.startsWith('_') ? label.slice(1) : label;
}

function hasSuffix(labels: readonly string[], suffix: readonly string[]): boolean {
  if (labels.length < suffix.length) return false;
  const off = labels.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (labels[off + i] !== suffix[i]) return false;
  return true;
}
