/**
 * Records for `[<ep>.|_<port>._<proto>.]<svc>.<ns>.svc.<zone>`: first the "results" CoreDNS's
 * findServices makes (one per address × matching port, or one CNAME for ExternalName), then the
 * records the question type asks for (backend_lookup.go A/AAAA/SRV/CNAME/TXT).
 */
import { canonicalIP } from '../common/ip.js';
import type { DnsService } from './model.js';
import { isInZone, negative, positive, resolveInZone, type Lookup, type Resolution } from './records.js';
import { Rcode, RRType, type RR } from './rr.js';

export interface ServiceQuery {
  /** Endpoint label, lower case, '' for none. */
  readonly endpoint: string;
  /** Port name and protocol without the underscore, lower case, '' = any. */
  readonly port: string;
  readonly protocol: string;
}

/** One CoreDNS msg.Service: an address (or a CNAME target) with a port and the name it lives at. */
interface Result {
  readonly host: string;
  readonly port: number;
  /** `<svc>.<ns>.svc` or `<ep>.<svc>.<ns>.svc`, lower case, zone not yet appended. */
  readonly target: string;
  readonly cname: boolean;
}

export function serviceAnswer(lk: Lookup, svc: DnsService, q: ServiceQuery): Resolution {
  const results = serviceResults(lk, svc, q);
  if (!results.length) return negative(lk, Rcode.NXDOMAIN);
  switch (lk.type) {
    case RRType.A:
    case RRType.AAAA:
    case RRType.TXT:
      if (results[0]!.cname) return cnameAnswer(lk, results[0]!.host);
      if (lk.type === RRType.TXT) return negative(lk, Rcode.NOERROR);
      return addressAnswer(lk, results, lk.type === RRType.A);
    case RRType.CNAME:
      if (results[0]!.cname) return positive([{ name: lk.owner, ttl: lk.cfg.ttl, type: 'CNAME', target: results[0]!.host }]);
      return negative(lk, Rcode.NOERROR);
    case RRType.SRV:
      return srvAnswer(lk, results);
    default:
      return negative(lk, Rcode.NOERROR);
  }
}

function serviceResults(lk: Lookup, svc: DnsService, q: ServiceQuery): Result[] {
  const base = `${svc.name}.${svc.namespace}.svc`;
  if (svc.kind === 'ExternalName') {
    // An ExternalName that is an IP literal is ignored, as CoreDNS does.
    if (q.endpoint || q.port || q.protocol || !svc.externalName || canonicalIP(svc.externalName)) return [];
    return [{ host: svc.externalName, port: 0, target: base, cname: true }];
  }
  const out: Result[] = [];
  if (q.endpoint) {
    for (const { slice, endpoint: ep } of lk.index.endpointsNamed(svc.namespace, svc.name, q.endpoint)) {
      if (!ep.ready && !svc.publishNotReadyAddresses) continue;
      for (const p of slice.ports) if (portMatches(p, q)) out.push({ host: ep.address, port: p.port, target: `${ep.hostname}.${base}`, cname: false });
    }
    return out;
  }
  if (svc.kind === 'Headless') {
    for (const slice of lk.index.slicesOf(svc.namespace, svc.name)) {
      const ports = slice.ports.filter((p) => portMatches(p, q));
      if (!ports.length) continue;
      for (const ep of slice.endpoints) {
        if (!ep.ready && !svc.publishNotReadyAddresses) continue;
        for (const p of ports) out.push({ host: ep.address, port: p.port, target: `${ep.hostname}.${base}`, cname: false });
      }
    }
    return out;
  }
  if (lk.cfg.ignoreEmptyService && !hasReadyEndpoint(lk, svc)) return out;
  for (const p of svc.ports) {
    if (!portMatches(p, q)) continue;
    for (const ip of svc.clusterIPs) out.push({ host: ip, port: p.port, target: base, cname: false });
  }
  return out;
}

function hasReadyEndpoint(lk: Lookup, svc: DnsService): boolean {
  for (const slice of lk.index.slicesOf(svc.namespace, svc.name)) if (slice.endpoints.some((ep) => ep.ready || svc.publishNotReadyAddresses)) return true;
  return false;
}

function portMatches(p: { name: string; protocol: string }, q: ServiceQuery): boolean {
  return (!q.port || q.port === p.name) && (!q.protocol || q.protocol === p.protocol.toLowerCase());
}

/** One A (or AAAA) per distinct address of that family; none left = NODATA. */
function addressAnswer(lk: Lookup, results: readonly Result[], v4: boolean): Resolution {
  const seen = new Set<string>();
  const records: RR[] = [];
  const type = v4 ? 'A' : 'AAAA';
  for (const r of results) {
    if (r.host.includes(':') === v4 || seen.has(r.host)) continue;
    seen.add(r.host);
    records.push({ name: lk.owner, ttl: lk.cfg.ttl, type, address: r.host });
  }
  return records.length ? positive(records) : negative(lk, Rcode.NOERROR);
}

/**
 * CNAME first, then the target's records: inside the zone from the index (the CNAME is kept only
 * if the target had records), outside it from the upstreams (the server follows `chase`).
 */
function cnameAnswer(lk: Lookup, target: string): Resolution {
  const cname: RR = { name: lk.owner, ttl: lk.cfg.ttl, type: 'CNAME', target };
  if (!isInZone(lk.cfg, target)) return { ...positive([cname]), chase: { name: target, type: lk.type, failed: negative(lk, Rcode.NOERROR) } };
  if (lk.owner !== null && target === lk.owner.toLowerCase()) return negative(lk, Rcode.NOERROR);
  const inner = resolveInZone(lk, target);
  return inner ? positive([cname, ...inner]) : negative(lk, Rcode.NOERROR);
}

/**
 * SRV: priority 0, weight floor(100 / results) (at least 1), one record per (target, port) with
 * ports of -1 skipped, and the targets' addresses as Additional glue.
 */
function srvAnswer(lk: Lookup, all: readonly Result[]): Resolution {
  const results = all.filter((r) => !r.cname);
  if (!results.length) return negative(lk, Rcode.NOERROR);
  const weight = Math.max(1, Math.floor(100 / results.length));
  const ttl = lk.cfg.ttl;
  const answer: RR[] = [];
  const additional: RR[] = [];
  const seenSrv = new Set<string>();
  const seenGlue = new Set<string>();
  for (const r of results) {
    if (r.port === -1) continue;
    const target = `${r.target}.${lk.zoneText}`;
    const srvKey = `${target}|${r.port}`;
    if (!seenSrv.has(srvKey)) {
      seenSrv.add(srvKey);
      answer.push({ name: lk.owner, ttl, type: 'SRV', priority: 0, weight, port: r.port, target });
    }
    const glueKey = `${target}|${r.host}`;
    if (!seenGlue.has(glueKey)) {
      seenGlue.add(glueKey);
      additional.push({ name: target, ttl, type: r.host.includes(':') ? 'AAAA' : 'A', address: r.host });
    }
  }
  return answer.length ? positive(answer, additional) : negative(lk, Rcode.NOERROR);
}
