/**
 * ClusterIndex: the Services and EndpointSlices DNS answers from, kept in maps keyed the way
 * questions arrive (service by `ns/name`, slices by service, PTR owners by IP), so a lookup costs
 * the same at 10 services and at 10,000. Writers call the set and delete methods; every change bumps
 * `generation` and `serial` (the SOA serial: Unix time of the change) and tells the listeners which
 * Services it touched (the reply cache drops what was built from them); a change to which
 * namespaces exist counts as a change to everything.
 */
import type { DnsEndpoint, DnsService, DnsSlice } from './model.js';
import { serviceKey } from './model.js';

/**
 * An endpoint with the slice it came from (whose ports, namespace and service apply to it). One
 * such object per endpoint serves both the label index and the PTR index.
 */
export interface NamedEndpoint {
  readonly slice: DnsSlice;
  readonly endpoint: DnsEndpoint;
}

/**
 * A map whose values are one item or several: at 100,000 endpoints most keys hold a single
 * endpoint, and a one-element array per key would cost more than the endpoint itself.
 */
type MultiMap<T> = Map<string, T | T[]>;

export class ClusterIndex {
  readonly #services = new Map<string, DnsService>();
  readonly #slices = new Map<string, DnsSlice>();
  readonly #slicesByService = new Map<string, Map<string, DnsSlice>>();
  /** How many Services each namespace has: a namespace with Services exists. */
  readonly #serviceNamespaces = new Map<string, number>();
  /** Namespaces known from a Namespace informer (CoreDNS asks its namespace cache). */
  readonly #namespaces = new Set<string>();
  readonly #clusterIpOwners = new Map<string, string[]>();
  /** Endpoint IP → the endpoints with that address (PTR answers). */
  readonly #endpointOwners: MultiMap<NamedEndpoint> = new Map();
  /** `ns/svc` → endpoint label → the endpoints carrying it (endpoint-name questions without a scan). */
  readonly #endpointsByLabel = new Map<string, MultiMap<NamedEndpoint>>();
  readonly #listeners = new Set<ChangeListener>();
  #generation = 0;
  #serial = Math.floor(Date.now() / 1000);
  #synced = false;

  get generation(): number {
    return this.#generation;
  }

  get serial(): number {
    return this.#serial;
  }

  /** False until every source has delivered its first full list (would-be NXDOMAINs are SERVFAIL until then). */
  get synced(): boolean {
    return this.#synced;
  }

  markSynced(): void {
    this.#synced = true;
    this.#changed(undefined);
  }

  /** Called after every change with the `ns/name` of the Services it touched (see ChangeListener). */
  onChange(fn: ChangeListener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  get serviceCount(): number {
    return this.#services.size;
  }

  service(namespace: string, name: string): DnsService | undefined {
    return this.#services.get(serviceKey(namespace, name));
  }

  /** Every slice of a service (slices are merged, as CoreDNS does). */
  slicesOf(namespace: string, name: string): Iterable<DnsSlice> {
    return this.#slicesByService.get(serviceKey(namespace, name))?.values() ?? [];
  }

  /** Endpoints of a service whose label (hostname or dashed IP) is `label`. */
  endpointsNamed(namespace: string, name: string, label: string): readonly NamedEndpoint[] {
    return listOf(this.#endpointsByLabel.get(serviceKey(namespace, name))?.get(label));
  }

  namespaceExists(namespace: string): boolean {
    return this.#namespaces.has(namespace) || this.#serviceNamespaces.has(namespace);
  }

  /** Services whose ClusterIPs contain `ip`, first added first. */
  servicesWithClusterIp(ip: string): readonly string[] {
    return this.#clusterIpOwners.get(ip) ?? [];
  }

  endpointOwners(ip: string): readonly NamedEndpoint[] {
    return listOf(this.#endpointOwners.get(ip));
  }

  serviceByKey(key: string): DnsService | undefined {
    return this.#services.get(key);
  }

  setService(svc: DnsService): void {
    const key = serviceKey(svc.namespace, svc.name);
    const old = this.#services.get(key);
    const namespaceAppears = !old && !this.namespaceExists(svc.namespace);
    if (old) this.#unindexService(key, old);
    else this.#serviceNamespaces.set(svc.namespace, (this.#serviceNamespaces.get(svc.namespace) ?? 0) + 1);
    this.#services.set(key, svc);
    for (const ip of svc.clusterIPs) {
      const owners = this.#clusterIpOwners.get(ip);
      // A literal for the usual single owner: an array grown by push keeps room for 16 more.
      if (owners) owners.push(key);
      else this.#clusterIpOwners.set(ip, [key]);
    }
    this.#changed(namespaceAppears ? undefined : [key]);
  }

  deleteService(namespace: string, name: string): void {
    const key = serviceKey(namespace, name);
    const old = this.#services.get(key);
    if (!old) return;
    this.#unindexService(key, old);
    this.#services.delete(key);
    const left = (this.#serviceNamespaces.get(namespace) ?? 1) - 1;
    if (left > 0) this.#serviceNamespaces.set(namespace, left);
    else this.#serviceNamespaces.delete(namespace);
    this.#changed(this.namespaceExists(namespace) ? [key] : undefined);
  }

  setSlice(slice: DnsSlice): void {
    const key = serviceKey(slice.namespace, slice.name);
    // A slice can move to another Service (its label changed): both Services' answers change.
    const before = this.#removeSlice(key);
    this.#slices.set(key, slice);
    const svcKey = serviceKey(slice.namespace, slice.serviceName);
    let bySvc = this.#slicesByService.get(svcKey);
    if (!bySvc) this.#slicesByService.set(svcKey, (bySvc = new Map()));
    bySvc.set(key, slice);
    let byLabel = this.#endpointsByLabel.get(svcKey);
    if (!byLabel) this.#endpointsByLabel.set(svcKey, (byLabel = new Map()));
    for (const ep of slice.endpoints) {
      const named: NamedEndpoint = { slice, endpoint: ep };
      addTo(byLabel, ep.hostname, named);
      addTo(this.#endpointOwners, ep.address, named);
    }
    this.#changed(before === undefined || before === svcKey ? [svcKey] : [before, svcKey]);
  }

  deleteSlice(namespace: string, name: string): void {
    const before = this.#removeSlice(serviceKey(namespace, name));
    if (before !== undefined) this.#changed([before]);
  }

  // Namespaces decide NXDOMAIN vs NODATA and pod names: answers no single Service owns.
  setNamespace(name: string): void {
    if (this.#namespaces.has(name)) return;
    this.#namespaces.add(name);
    this.#changed(undefined);
  }

  deleteNamespace(name: string): void {
    if (this.#namespaces.delete(name)) this.#changed(undefined);
  }

  #unindexService(key: string, svc: DnsService): void {
    for (const ip of svc.clusterIPs) {
      const kept = (this.#clusterIpOwners.get(ip) ?? []).filter((k) => k !== key);
      if (kept.length) this.#clusterIpOwners.set(ip, kept);
      else this.#clusterIpOwners.delete(ip);
    }
  }

  /** The `ns/name` of the Service the removed slice belonged to, if there was one. */
  #removeSlice(key: string): string | undefined {
    const old = this.#slices.get(key);
    if (!old) return undefined;
    this.#slices.delete(key);
    const svcKey = serviceKey(old.namespace, old.serviceName);
    const bySvc = this.#slicesByService.get(svcKey);
    bySvc?.delete(key);
    if (bySvc?.size === 0) this.#slicesByService.delete(svcKey);
    const byLabel = this.#endpointsByLabel.get(svcKey);
    if (byLabel) {
      for (const ep of old.endpoints) removeFrom(byLabel, ep.hostname, old);
      if (byLabel.size === 0) this.#endpointsByLabel.delete(svcKey);
    }
    for (const ep of old.endpoints) removeFrom(this.#endpointOwners, ep.address, old);
    return svcKey;
  }

  #changed(services: readonly string[] | undefined): void {
    this.#generation++;
    this.#serial = Math.floor(Date.now() / 1000);
    for (const fn of this.#listeners) fn(services);
  }
}

/**
 * `services`: the `ns/name` of every Service whose own object or EndpointSlices changed, so that
 * answers built from one Service alone may be kept unless it is listed. Undefined: the change is
 * not about particular Services (sync, the set of namespaces) and nothing may be kept.
 */
export type ChangeListener = (services: readonly string[] | undefined) => void;

function listOf<T>(v: T | T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function addTo(map: MultiMap<NamedEndpoint>, key: string, value: NamedEndpoint): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, value);
  else if (Array.isArray(cur)) cur.push(value);
  else map.set(key, [cur, value]);
}

/** Drops the entries of one slice under `key`. */
function removeFrom(map: MultiMap<NamedEndpoint>, key: string, slice: DnsSlice): void {
  const cur = map.get(key);
  if (cur === undefined) return;
  const kept = listOf(cur).filter((n) => n.slice !== slice);
  if (kept.length === 0) map.delete(key);
  else map.set(key, kept.length === 1 ? kept[0]! : kept);
}
