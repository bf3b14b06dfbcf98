/**
 * status.loadBalancer of served Ingresses = the addresses the controller publishes; Ingresses it
 * stops serving lose those addresses again (an Ingress of an unknown class never gets any, as the
 * conformance suite checks). computeStatusWrites is pure; StatusWriter applies the patches.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { KubeObject } from '../api/types.js';
import { logger } from '../common/log.js';
import type { ApiClient } from '../client/rest.js';
import { ingressesResource } from './controller.js';
import type { RouteTable } from './model.js';

const log = logger('ingress');

export type LoadBalancerIngress = { ip: string } | { hostname: string };

export function loadBalancerEntries(addresses: readonly string[]): LoadBalancerIngress[] {
  return addresses.map((a) => (isIP(a) ? { ip: a } : { hostname: a }));
}

export interface StatusWrite {
  namespace: string;
  name: string;
  ingress: LoadBalancerIngress[];
}

function currentEntries(o: KubeObject): string {
  const lb = (o.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress ?? [];
  return JSON.stringify(lb.map((e) => (e.ip ? { ip: e.ip } : { hostname: e.hostname ?? '' })));
}

export function computeStatusWrites(table: RouteTable, ingresses: ReadonlyMap<string, KubeObject>, published: LoadBalancerIngress[]): StatusWrite[] {
  const want = JSON.stringify(published);
  const writes: StatusWrite[] = [];
  for (const [key, o] of ingresses) {
    const have = currentEntries(o);
    const [namespace, name] = key.split('/');
    if (table.served.has(key)) {
      if (have !== want) writes.push({ namespace, name, ingress: published });
    } else if (have === want && published.length > 0) {
      writes.push({ namespace, name, ingress: [] });
    }
  }
  return writes;
}

/** The node's first non-internal IPv4 address (what `svcnet up` would publish by default). */
export function defaultPublishAddresses(listenHost: string | undefined): string[] {
  if (listenHost && listenHost !== '0.0.0.0' && listenHost !== '::' && isIP(listenHost)) return [listenHost];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return [a.address];
  }
  return ['127.0.0.1'];
}

/** Writes status patches one at a time; a later table supersedes pending work for the same Ingress. */
export class StatusWriter {
  readonly #client: ApiClient;
  readonly #published: LoadBalancerIngress[];
  readonly #pending = new Map<string, StatusWrite>();
  #running = false;

  constructor(client: ApiClient, addresses: readonly string[]) {
    this.#client = client;
    this.#published = loadBalancerEntries(addresses);
  }

  update(table: RouteTable, ingresses: ReadonlyMap<string, KubeObject>): void {
    for (const w of computeStatusWrites(table, ingresses, this.#published)) this.#pending.set(`${w.namespace}/${w.name}`, w);
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#pending.size > 0) {
        const [key, w] = this.#pending.entries().next().value as [string, StatusWrite];
        this.#pending.delete(key);
        try {
          await this.#client.patchStatus(ingressesResource, w.namespace, w.name, { status: { loadBalancer: { ingress: w.ingress } } }, 'merge');
        } catch (err) {
          log.warn('ingress status update failed', { ingress: key, err });
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** Resolves once nothing is pending (tests). */
  async idle(): Promise<void> {
    while (this.#running || this.#pending.size > 0) await new Promise((r) => setTimeout(r, 10));
  }
}
