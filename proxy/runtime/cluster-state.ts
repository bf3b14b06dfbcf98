/**
 * What the proxy knows about the cluster between syncs: the Services and EndpointSlices the
 * informers delivered (converted at the edge by proxy/from-api.ts), the change trackers, and the
 * per-service entries the last sync applied. Only services that changed are converted again, so a
 * sync costs O(changes) here; the renderers still see the whole ProxyState.
 */
import type { IPFamily } from '../ip.js';
import type { Endpoint, ProxyState, ServicePortEntry, ServicePortInfo } from '../model.js';
import { servicePortNameString } from '../model.js';
import { endpointsFromSlices, serviceNameLabel, servicePortKey, servicePortsFromService, type EndpointSliceJson, type ServiceJson } from '../from-api.js';
import { ChangeTracker } from './change-tracker.js';

export const triggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';

type EndpointsByPort = ReadonlyMap<string, readonly Endpoint[]>;

export interface CommittedChanges {
  /** "ns/name" of every service whose Service or EndpointSlices changed. */
  readonly changedServices: Set<string>;
  /** Trigger times (ms) of the endpoint changes in this sync, for network programming latency. */
  readonly triggerTimes: number[];
  readonly serviceChanges: number;
  readonly endpointChanges: number;
}

export class ClusterState {
  readonly #ipFamily: IPFamily;
  readonly #nodeName: string;
  readonly #services = new ChangeTracker<ServicePortInfo[]>((v) => JSON.stringify(v ?? []));
  readonly #endpoints = new ChangeTracker<EndpointsByPort>((v) => JSON.stringify([...(v ?? new Map())].sort()));
  /** Informer view: slices per service "ns/name", by slice name. */
  readonly #slices = new Map<string, Map<string, EndpointSliceJson>>();
  readonly #appliedServices = new Map<string, ServicePortInfo[]>();
  readonly #appliedEndpoints = new Map<string, EndpointsByPort>();
  readonly #entries = new Map<string, Array<{ sortKey: string; entry: ServicePortEntry }>>();
  #triggerTimes = new Map<string, number[]>();
  #sorted: ServicePortEntry[] = [];

  constructor(ipFamily: IPFamily, nodeName: string) {
    this.#ipFamily = ipFamily;
    this.#nodeName = nodeName;
  }

  get pendingServiceChanges(): number {
    return this.#services.size;
  }

  get pendingEndpointChanges(): number {
    return this.#endpoints.size;
  }

  /** OnServiceAdd/Update/Delete: `current` undefined on delete. Returns "a sync is needed". */
  onService(key: string, current: ServiceJson | undefined): boolean {
    const ports = current ? servicePortsFromService(current, this.#ipFamily) : [];
    return this.#services.update(key, this.#appliedServices.get(key), ports.length ? ports : undefined);
  }

  /** OnEndpointSliceAdd/Update/Delete. */
  onEndpointSlice(slice: EndpointSliceJson, deleted: boolean): boolean {
    const ns = slice.metadata?.namespace ?? 'default';
    const svcName = slice.metadata?.labels?.[serviceNameLabel];
    if (!svcName) return false;
    const key = `${ns}/${svcName}`;
    const slices = this.#slices.get(key) ?? new Map<string, EndpointSliceJson>();
    if (deleted) slices.delete(slice.metadata?.name ?? '');
    else slices.set(slice.metadata?.name ?? '', slice);
    if (slices.size) this.#slices.set(key, slices);
    else this.#slices.delete(key);
    const trigger = Date.parse((slice as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.[triggerTimeAnnotation] ?? '');
    if (Number.isFinite(trigger)) this.#triggerTimes.set(key, [...(this.#triggerTimes.get(key) ?? []), trigger]);
    const endpoints = endpointsFromSlices([...slices.values()], { ipFamily: this.#ipFamily, nodeName: this.#nodeName });
    return this.#endpoints.update(key, this.#appliedEndpoints.get(key), endpoints.size ? endpoints : undefined);
  }

  /** Merges the pending changes into the applied view (svcPortMap.Update / endpointsMap.Update). */
  commit(): CommittedChanges {
    const services = this.#services.drain();
    const endpoints = this.#endpoints.drain();
    const changed = new Set([...services.keys(), ...endpoints.keys()]);
    for (const [key, c] of services) setOrDelete(this.#appliedServices, key, c.current);
    for (const [key, c] of endpoints) setOrDelete(this.#appliedEndpoints, key, c.current);
    for (const key of changed) this.#rebuildEntries(key);
    if (changed.size) this.#sorted = this.#sortEntries();
    const triggerTimes = [...endpoints.keys()].flatMap((k) => this.#triggerTimes.get(k) ?? []);
    this.#triggerTimes = new Map([...this.#triggerTimes].filter(([k]) => !endpoints.has(k)));
    return { changedServices: changed, triggerTimes, serviceChanges: services.size, endpointChanges: endpoints.size };
  }

  /** The whole applied state, as the renderers take it. */
  state(): ProxyState {
    return { ipFamily: this.#ipFamily, servicePorts: this.#sorted };
  }

  #rebuildEntries(key: string): void {
    const ports = this.#appliedServices.get(key);
    if (!ports) {
      this.#entries.delete(key);
      return;
    }
    const eps = this.#appliedEndpoints.get(key);
    this.#entries.set(
      key,
      ports.map((service) => ({
        sortKey: `${servicePortNameString(service)} ${service.protocol}`,
        entry: { service, endpoints: eps?.get(servicePortKey(service.namespace, service.name, service.portName, service.protocol)) ?? [] },
      })),
    );
  }

  #sortEntries(): ServicePortEntry[] {
    const all = [...this.#entries.values()].flat();
    all.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    return all.map((e) => e.entry);
  }
}

function setOrDelete<V>(m: Map<string, V>, key: string, v: V | undefined): void {
  if (v === undefined) m.delete(key);
  else m.set(key, v);
}
