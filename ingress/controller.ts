/**
 * IngressController: informers (Ingress, IngressClass, Service, EndpointSlice, TLS Secrets) → an
 * in-memory ClusterStore → the IncrementalCompiler (only what a change touches is recompiled) →
 * the data plane's atomic swap. Any change schedules one compile on the next tick (changes
 * arriving together are coalesced; under churn compiles start at least 4× the last compile's
 * duration apart, capped at `minIntervalMs`). Nothing is applied before every informer has listed once, so a
 * partial view never reaches traffic. After each compile: Warning events for new problems, and
 * status.loadBalancer of served Ingresses set to the published addresses.
 */
import type { KubeObject } from '../api/types.js';
import { servedResource } from '../api/resources.js';
import { logger } from '../common/log.js';
import type { EventHandler, Informer } from '../client/informer.js';
import type { InformerFactory } from '../client/informer-factory.js';
import type { ClassPolicy } from './class-selection.js';
import { ClusterStore, type StateChange, type StateItem, type StateKind } from './cluster-store.js';
import { authSecretFromApi, ingressClassFromApi, ingressFromApi, secretFromApi, secretKeysOnly, serviceFromApi, sliceFromApi } from './from-api.js';
import { IncrementalCompiler } from './incremental.js';
import type { ClusterState, CompileProblem, RouteTable } from './model.js';

const log = logger('ingress');

export const ingressesResource = servedResource('networking.k8s.io', 'v1', 'ingresses');
export const ingressClassesResource = servedResource('networking.k8s.io', 'v1', 'ingressclasses');
export const servicesResource = servedResource('', 'v1', 'services');
export const endpointSlicesResource = servedResource('discovery.k8s.io', 'v1', 'endpointslices');
export const secretsResource = servedResource('', 'v1', 'secrets');

export type ObjectSource = Pick<Informer, 'addEventHandler' | 'waitForSync' | 'hasSynced'>;

export interface IngressSources {
  ingresses: ObjectSource;
  classes: ObjectSource;
  services: ObjectSource;
  slices: ObjectSource;
  secrets: ObjectSource;
  /** Opaque Secrets, for `auth-secret` (only their `auth` key is kept); optional in tests. */
  authSecrets?: ObjectSource;
}

/**
 * Shared informers; Secrets are narrowed by type (least privilege, less memory): kubernetes.io/tls
 * for certificates, Opaque for basic-auth htpasswd data; each cache keeps only the keys read here.
 */
export function informerSources(factory: InformerFactory): IngressSources {
  return {
    ingresses: factory.informerFor(ingressesResource),
    classes: factory.informerFor(ingressClassesResource),
    services: factory.informerFor(servicesResource),
    slices: factory.informerFor(endpointSlicesResource),
    secrets: factory.informerFor(secretsResource, undefined, { fieldSelector: 'type=kubernetes.io/tls', transform: secretKeysOnly('tls.crt', 'tls.key') }),
    authSecrets: factory.informerFor(secretsResource, undefined, { fieldSelector: 'type=Opaque', transform: secretKeysOnly('auth') }),
  };
}

/** What the controller does with a compile result (data plane swap, events, status). */
export interface CompileSink {
  apply(table: RouteTable): void;
  /**
   * What changed since the previous compile, numbered by compile (worker processes replay the
   * changes into their own store and compile themselves).
   */
  changes?(changes: StateChange[], generation: number): void;
  problems?(problems: CompileProblem[], ingresses: ReadonlyMap<string, KubeObject>): void;
  served?(table: RouteTable, ingresses: ReadonlyMap<string, KubeObject>): void;
}

export class IngressController {
  readonly #sources: IngressSources;
  readonly #sink: CompileSink;
  readonly #minIntervalMs: number;
  readonly #store: ClusterStore;
  readonly #compiler: IncrementalCompiler;
  /** The last raw Ingress objects (status, events need them). */
  readonly #rawIngresses = new Map<string, KubeObject>();
  readonly #unsubscribe: Array<() => void> = [];
  #synced = false;
  #stopped = false;
  #scheduled: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #lastCompile = 0;
  /** Last compile duration, for logs and the benchmark. */
  lastCompileMs = 0;
  compiles = 0;
  /** Numbers every compile attempt (and the changes sent to workers with it). */
  generation = 0;

  constructor(sources: IngressSources, policy: ClassPolicy, sink: CompileSink, opts: { minIntervalMs?: number } = {}) {
    this.#sources = sources;
    this.#sink = sink;
    this.#minIntervalMs = opts.minIntervalMs ?? 20;
    this.#store = new ClusterStore({ recordChanges: sink.changes !== undefined });
    this.#compiler = new IncrementalCompiler(policy);
  }

  get synced(): boolean {
    return this.#synced;
  }

  start(): void {
    this.#track(this.#sources.ingresses, 'ingresses', ingressFromApi, (key, o) => (o ? this.#rawIngresses.set(key, o) : this.#rawIngresses.delete(key)));
    this.#track(this.#sources.classes, 'classes', ingressClassFromApi);
    this.#track(this.#sources.services, 'services', serviceFromApi);
    this.#track(this.#sources.slices, 'slices', sliceFromApi);
    this.#track(this.#sources.secrets, 'secrets', secretFromApi);
    if (this.#sources.authSecrets) this.#track(this.#sources.authSecrets, 'authSecrets', authSecretFromApi);
    const all = Object.values(this.#sources).filter((s): s is ObjectSource => s !== undefined);
    Promise.all(all.map((s) => s.waitForSync())).then(
      () => {
        if (this.#stopped) return;
        this.#synced = true;
        this.#compileNow();
      },
      (err: unknown) => log.error('informers failed to sync', { err }),
    );
  }

  stop(): void {
    this.#stopped = true;
    for (const u of this.#unsubscribe.splice(0)) u();
    if (this.#scheduled) clearTimeout(this.#scheduled as NodeJS.Timeout);
    if (this.#scheduled) clearImmediate(this.#scheduled as NodeJS.Immediate);
  }

  #track<K extends StateKind>(source: ObjectSource, kind: K, convert: (o: KubeObject) => StateItem<K> | undefined, raw?: (key: string, o: KubeObject | undefined) => void): void {
    const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    const set = (o: KubeObject) => {
      const key = keyOf(o);
      const v = convert(o);
      this.#store.set(kind, key, v);
      raw?.(key, v ? o : undefined);
      this.#schedule();
    };
    const handler: EventHandler<KubeObject> = {
      onAdd: set,
      onUpdate: (_old, o) => set(o),
      onDelete: (o) => {
        this.#store.set(kind, keyOf(o), undefined);
        raw?.(keyOf(o), undefined);
        this.#schedule();
      },
    };
    this.#unsubscribe.push(source.addEventHandler(handler));
  }

  #schedule(): void {
    if (!this.#synced || this.#stopped || this.#scheduled) return;
    // Under churn compiles are spaced so that they take at most a fifth of the process (4× the
    // last compile's duration between starts), and never more than minIntervalMs apart: an
    // incremental compile of a few ms does not make the next change wait 20 ms.
    const wait = this.#lastCompile + Math.min(this.#minIntervalMs, 4 * this.lastCompileMs) - Date.now();
    const run = () => {
      this.#scheduled = undefined;
      this.#compileNow();
    };
    this.#scheduled = wait > 0 ? setTimeout(run, wait) : setImmediate(run);
  }

  state(): ClusterState {
    return this.#store.state();
  }

  #compileNow(): void {
    if (this.#stopped) return;
    const t0 = performance.now();
    this.#lastCompile = Date.now();
    // Workers get the changes first, so that they compile while this process does (one per core).
    this.generation++;
    this.#sink.changes?.(this.#store.takeChanges(), this.generation);
    try {
      const { table, problems } = this.#compiler.compile(this.#store.state());
      this.#sink.apply(table);
      this.compiles++;
      this.lastCompileMs = performance.now() - t0;
      log.debug('route table applied', { routes: table.routeCount, ingresses: table.served.size, problems: problems.length, ms: this.lastCompileMs.toFixed(1) });
      this.#sink.problems?.(problems, this.#rawIngresses);
      this.#sink.served?.(table, this.#rawIngresses);
    } catch (err) {
      // compileRoutes isolates bad Ingresses; reaching here is a bug. Keep serving the old table.
      log.error('route compile failed; keeping the previous table', { err });
    }
  }
}
