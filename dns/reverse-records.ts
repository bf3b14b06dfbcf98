/**
 * PTR answers (CoreDNS reverse.go): a Service ClusterIP names the Service (first match wins);
 * otherwise every ready endpoint with that address names `<ep-hostname>.<svc>.<ns>.svc.<zone>`,
 * one per Service (ClusterIP-backed endpoints too). PTR targets use the configured zone.
 */
import type { ClusterIndex } from './cluster-index.js';
import { negative, positive, type Lookup, type Resolution } from './records.js';
import { Rcode, RRType } from './rr.js';

export function reverseAnswer(lk: Lookup, ip: string | null): Resolution {
  const targets = ip ? ptrTargets(lk.index, lk.cfg.zone, ip) : [];
  if (!targets.length) return negative(lk, Rcode.NXDOMAIN);
  if (lk.type !== RRType.PTR) return negative(lk, Rcode.NOERROR);
  return positive(targets.map((target) => ({ name: lk.owner, ttl: lk.cfg.ttl, type: 'PTR', target })));
}

export function ptrTargets(index: ClusterIndex, zone: string, ip: string): string[] {
  for (const key of index.servicesWithClusterIp(ip)) {
    const svc = index.serviceByKey(key);
    if (svc) return [`${svc.name}.${svc.namespace}.svc.${zone}`];
  }
  const out = new Set<string>();
  for (const { slice, endpoint } of index.endpointOwners(ip)) {
    const svc = index.service(slice.namespace, slice.serviceName);
    if (!endpoint.ready && !svc?.publishNotReadyAddresses) continue;
    out.add(`${endpoint.hostname}.${slice.serviceName}.${slice.namespace}.svc.${zone}`);
  }
  return [...out];
}
