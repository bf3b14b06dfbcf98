/**
 * EventRecorder: what controllers call to leave a core/v1 Event on an object, with client-go's
 * record semantics: spam filtering, aggregation of similar events and deduplication into a count
 * (see correlator.ts). Writes are fire-and-forget: `event()` never throws and never waits; errors
 * are logged. Writes concerning one Event are kept in order, so a patch never overtakes its create.
 */
import { hostname } from 'node:os';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { logger, type Logger } from '../../common/log.js';
import { isAlreadyExists, isInvalid, isNotFound } from '../../client/client-error.js';
import type { ApiClient } from '../../client/rest.js';
import { EventCorrelator, type CorrelatorOptions } from './correlator.js';
import type { CoreEvent } from './types.js';

const eventsResource = findResource('', 'v1', 'events')!;

export interface EventRecorderOptions {
  /** source.component and reportingComponent, e.g. "endpointslice-controller". */
  component: string;
  /** source.host and reportingInstance; defaults to this machine's host name. */
  host?: string;
  /** Writes waiting beyond this are dropped (client-go's broadcaster drops past 1000 too). */
  maxPending?: number;
  correlator?: CorrelatorOptions;
}

/** metav1.Time: RFC 3339 with second precision. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class EventRecorder {
  readonly #client: ApiClient;
  readonly #component: string;
  readonly #host: string;
  readonly #maxPending: number;
  readonly #correlator: EventCorrelator;
  readonly #now: () => number;
  readonly #log: Logger;
  /** One promise chain per Event name: its writes run in order. */
  readonly #chains = new Map<string, Promise<void>>();
  #pending = 0;
  #lastNameNs = 0n;

  constructor(client: ApiClient, opts: EventRecorderOptions) {
    this.#client = client;
    this.#component = opts.component;
    this.#host = opts.host ?? hostname();
    this.#maxPending = opts.maxPending ?? 1000;
    this.#now = opts.correlator?.now ?? Date.now;
    this.#correlator = new EventCorrelator(opts.correlator);
    this.#log = logger(`events/${opts.component}`);
  }

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    try {
      this.#record(obj, type, reason, message);
    } catch (err) {
      this.#log.error('cannot record event', { reason, err });
    }
  }

  /** Resolves when every write asked for so far has finished (succeeded or given up). */
  async flush(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  #record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const fresh = this.#build(obj, type, reason, message);
    const decision = this.#correlator.correlate(fresh);
    if (decision.action === 'drop') return;
    if (this.#pending >= this.#maxPending) {
      this.#log.warn('too many events waiting, dropping one', { reason, object: fresh.involvedObject.name });
      return;
    }
    const ev = decision.event;
    const write = decision.action === 'create' ? () => this.#create(ev) : () => this.#patch(ev);
    this.#enqueue(ev.metadata.name, write);
  }

  #build(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): CoreEvent {
    const now = kubeTime(this.#now());
    const m = obj.metadata;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      // Events about cluster-scoped objects live in "default", as upstream puts them.
      metadata: { name: `${m.name}.${this.#uniqueHex()}`, namespace: m.namespace || 'default' },
      involvedObject: dropEmpty({ kind: obj.kind, namespace: m.namespace, name: m.name ?? '', uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion }),
      reason,
      message,
      source: { component: this.#component, host: this.#host },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: this.#component,
      reportingInstance: this.#host,
    };
  }

  /** Nanoseconds since the epoch in hex, as client-go names events, made strictly increasing. */
  #uniqueHex(): string {
    let ns = BigInt(this.#now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    if (ns <= this.#lastNameNs) ns = this.#lastNameNs + 1n;
    this.#lastNameNs = ns;
    return ns.toString(16);
  }

  #enqueue(name: string, write: () => Promise<void>): void {
    this.#pending++;
    const previous = this.#chains.get(name) ?? Promise.resolve();
    const next = previous.then(write).catch((err: unknown) => this.#log.warn('event write failed', { name, err }));
    const settled = next.finally(() => {
      this.#pending--;
      if (this.#chains.get(name) === settled) this.#chains.delete(name);
    });
    this.#chains.set(name, settled);
  }

  async #create(ev: CoreEvent): Promise<void> {
    try {
      await this.#client.create(eventsResource, ev.metadata.namespace, ev);
    } catch (err) {
      // Already there: an earlier attempt landed. Invalid: retrying cannot help.
      if (isAlreadyExists(err)) return;
      if (isInvalid(err)) this.#correlator.forget(ev.metadata.name);
      throw err;
    }
  }

  async #patch(ev: CoreEvent): Promise<void> {
    const body = { count: ev.count, lastTimestamp: ev.lastTimestamp, message: ev.message };
    try {
      await this.#client.patch(eventsResource, ev.metadata.namespace, ev.metadata.name, body, 'merge');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // The Event expired (or its create failed): write it again whole, as client-go does.
      await this.#create(ev);
    }
  }
}

function dropEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}
