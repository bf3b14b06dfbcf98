/**
 * The sync loop: informer events go into the change trackers (ClusterState), the SyncRunner paces
 * syncs, and each sync hands the whole state to the backend, which applies it in one atomic step.
 * Nothing is applied before every informer has synced, so partial state never reaches the kernel.
 * A failed sync is logged, counted and retried; it never throws out of the loop.
 */
import { logger } from '../../common/log.js';
import { nodeIPsFromNode, nodeTopologyFromNode, type EndpointSliceJson, type NodeJson, type ServiceJson } from '../from-api.js';
import type { ProxyState } from '../model.js';
import { computeStaleUdpDeletions, deleteConntrackEntries } from '../apply/conntrack.js';
import type { CommandRunner } from '../apply/runner.js';
import type { NodeInfo, ProxyBackend } from './backend.js';
import type { ClusterState } from './cluster-state.js';
import type { HealthCheckService, ProxyHealth, ServiceHealthServers } from './health.js';
import type { ProxyMetrics } from './metrics.js';
import { SyncRunner } from './sync-runner.js';

const log = logger('proxy');

export interface SyncEvent {
  readonly ok: boolean;
  readonly full: boolean;
  readonly changedServices: ReadonlySet<string>;
  /** performance.now() timestamps (ms) of the sync. */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly error?: unknown;
}

export interface ProxierOptions {
  readonly backend: ProxyBackend;
  readonly cluster: ClusterState;
  readonly metrics: ProxyMetrics;
  readonly health: ProxyHealth;
  readonly healthChecks?: ServiceHealthServers;
  /** Runs conntrack (same namespace as the rules). */
  readonly runner: CommandRunner;
  readonly nodeName: string;
  /** Overrides the Node object's addresses. */
  readonly nodeIPs?: readonly string[];
  readonly minSyncPeriodMs: number;
  /** Periodic sync (canary check, full sync when due); kube-proxy's syncPeriod, 30 s. */
  readonly syncPeriodMs: number;
  /** A periodic sync is full at least this often (kube-proxy: 1 h). */
  readonly fullSyncPeriodMs: number;
  /** Delay before retrying a failed sync (kube-proxy: syncPeriod). */
  readonly retryPeriodMs: number;
  readonly onSync?: (e: SyncEvent) => void;
}

export class Proxier {
  readonly #o: ProxierOptions;
  readonly #runner: SyncRunner;
  #node: NodeInfo;
  #informersSynced = false;
  #needFull = true;
  #lastFullAt = 0;
  #previousState: ProxyState | undefined;
  #followUpDue = false;
  #resolveSynced!: () => void;
  readonly syncedOnce: Promise<void>;

  constructor(options: ProxierOptions) {
    this.#o = options;
    this.#node = { nodeIPs: options.nodeIPs ?? [], topology: {} };
    this.syncedOnce = new Promise((r) => (this.#resolveSynced = r));
    this.#runner = new SyncRunner({ minIntervalMs: options.minSyncPeriodMs, maxIntervalMs: options.syncPeriodMs, burst: 2, fn: (periodic) => this.#sync(periodic) });
  }

  start(): void {
    this.#runner.start();
  }

  async stop(): Promise<void> {
    await this.#runner.stop();
  }

  onService(key: string, svc: ServiceJson | undefined): void {
    // Services another proxy implementation owns are not ours (service.kubernetes.io/service-proxy-name).
    const labels = (svc?.metadata as { labels?: Record<string, string> } | undefined)?.labels;
    const current = labels?.['service.kubernetes.io/service-proxy-name'] ? undefined : svc;
    if (this.#o.cluster.onService(key, current)) this.#queue();
    this.#o.metrics.serviceChangesPending.set(this.#o.cluster.pendingServiceChanges);
  }

  onEndpointSlice(slice: EndpointSliceJson, deleted: boolean): void {
    if (this.#o.cluster.onEndpointSlice(slice, deleted)) this.#queue();
    this.#o.metrics.endpointChangesPending.set(this.#o.cluster.pendingEndpointChanges);
  }

  /** The proxy's own Node: addresses and zone; a change there forces a full sync. */
  onNode(node: NodeJson | undefined, deleted = false): void {
    if (node?.metadata?.name !== this.#o.nodeName) return;
    this.#o.health.syncNode(deleted ? { metadata: { deletionTimestamp: 'deleted' } } : (node as never));
    const next: NodeInfo = { nodeIPs: this.#o.nodeIPs ?? nodeIPsFromNode(node, 4), topology: nodeTopologyFromNode(node) };
    if (JSON.stringify(next) === JSON.stringify(this.#node)) return;
    this.#node = next;
    this.#needFull = true;
    this.#queue();
  }

  informersSynced(): void {
    this.#informersSynced = true;
    this.#runner.run();
  }

  #queue(): void {
    this.#o.health.queuedUpdate();
    this.#o.metrics.lastQueuedTimestamp.set(Date.now() / 1000);
    // Before the informers have synced a run would do nothing but spend a rate-limit token, and
    // the first real sync would then wait a whole min-sync-period; informersSynced() starts it.
    if (this.#informersSynced) this.#runner.run();
  }

  async #sync(periodic: boolean): Promise<void> {
    if (!this.#informersSynced) {
      log.info('not syncing rules until Services and EndpointSlices have been received from the API server');
      return;
    }
    const { backend, cluster, metrics } = this.#o;
    if (periodic) await this.#checkFullSyncDue();
    if (periodic && !this.#needFull && !this.#followUpDue && cluster.pendingServiceChanges + cluster.pendingEndpointChanges === 0) {
      this.#o.health.updated();
      metrics.lastTimestamp.set(Date.now() / 1000);
      return;
    }
    const startedAt = performance.now();
    const changes = cluster.commit();
    metrics.serviceChangesTotal.inc([], changes.serviceChanges);
    metrics.endpointChangesTotal.inc([], changes.endpointChanges);
    metrics.serviceChangesPending.set(cluster.pendingServiceChanges);
    metrics.endpointChangesPending.set(cluster.pendingEndpointChanges);
    const state = cluster.state();
    try {
      const result = await backend.sync({ state, node: this.#node, changedServices: changes.changedServices, full: this.#needFull });
      this.#needFull = false;
      this.#scheduleFollowUp();
      if (result.full) this.#lastFullAt = Date.now();
      this.#afterSuccess(state, changes.triggerTimes, result.full, startedAt);
      this.#o.onSync?.({ ok: true, full: result.full, changedServices: changes.changedServices, startedAt, finishedAt: performance.now() });
    } catch (err) {
      this.#needFull = true;
      log.error('sync of proxy rules failed, will retry', { mode: backend.mode, err, retryInMs: this.#o.retryPeriodMs });
      this.#runner.retryAfter(this.#o.retryPeriodMs);
      this.#o.onSync?.({ ok: false, full: true, changedServices: changes.changedServices, startedAt, finishedAt: performance.now(), error: err });
    }
  }

  #scheduleFollowUp(): void {
    const ms = this.#o.backend.followUpAfterMs();
    this.#followUpDue = ms !== undefined;
    if (ms !== undefined) this.#runner.retryAfter(ms);
  }

  async #checkFullSyncDue(): Promise<void> {
    if (Date.now() - this.#lastFullAt >= this.#o.fullSyncPeriodMs) this.#needFull = true;
    else if (await this.#o.backend.rulesMissing().catch(() => true)) {
      log.warn('proxy rules were flushed by someone else; restoring them with a full sync', { mode: this.#o.backend.mode });
      this.#needFull = true;
    }
  }

  #afterSuccess(state: ProxyState, triggerTimes: readonly number[], full: boolean, startedAt: number): void {
    const { metrics } = this.#o;
    const seconds = (performance.now() - startedAt) / 1000;
    metrics.syncDuration.observe(seconds);
    (full ? metrics.syncFullDuration : metrics.syncPartialDuration).observe(seconds);
    metrics.lastTimestamp.set(Date.now() / 1000);
    const now = Date.now();
    for (const t of triggerTimes) metrics.networkProgramming.observe(Math.max(0, now - t) / 1000);
    this.#o.health.updated();
    log.debug('synced proxy rules', { mode: this.#o.backend.mode, full, services: state.servicePorts.length, elapsedMs: Math.round(seconds * 1000) });
    this.#recordLocalEndpoints(state);
    void this.#cleanConntrack(state);
    this.#resolveSynced();
  }

  /** No-local-endpoints gauges and the health check node ports' local endpoint counts. */
  #recordLocalEndpoints(state: ProxyState): void {
    let internal = 0;
    let external = 0;
    const checks = new Map<string, HealthCheckService>();
    for (const { service, endpoints } of state.servicePorts) {
      const local = endpoints.filter((e) => e.isLocal && e.ready).length;
      if (service.internalPolicyLocal && local === 0 && endpoints.length) internal++;
      if (service.externalPolicyLocal && local === 0 && endpoints.length) external++;
      if (service.healthCheckNodePort) {
        const key = `${service.namespace}/${service.name}`;
        // kube-proxy reports the local ready endpoints (the most over the service's ports).
        checks.set(key, { namespace: service.namespace, name: service.name, port: service.healthCheckNodePort, localEndpoints: Math.max(local, checks.get(key)?.localEndpoints ?? 0) });
      }
    }
    this.#o.metrics.noLocalEndpoints.set(internal, ['internal']);
    this.#o.metrics.noLocalEndpoints.set(external, ['external']);
    void this.#o.healthChecks?.sync([...checks.values()]);
  }

  async #cleanConntrack(state: ProxyState): Promise<void> {
    const deletions = computeStaleUdpDeletions(this.#previousState, state);
    this.#previousState = state;
    if (!deletions.length) return;
    const errors = await deleteConntrackEntries(this.#o.runner, deletions);
    for (const e of errors) log.warn('failed to delete stale UDP conntrack entries', { err: e });
  }
}
