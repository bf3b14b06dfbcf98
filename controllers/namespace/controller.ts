/**
 * The namespace controller: when a namespace is Terminating, deletes everything in it (every
 * namespaced kind svcnet serves), reports progress in its status conditions, and once nothing is
 * left removes the `kubernetes` finalizer through namespaces/{name}/finalize so it disappears.
 */
import { findResource, resources, type ResourceInfo } from '../../api/resources.js';
import { clientErrorFromResponse, isConflict, isNotFound } from '../../client/client-error.js';
import { HttpTransport } from '../../client/http-transport.js';
import type { Informer } from '../../client/informer.js';
import { InformerFactory } from '../../client/informer-factory.js';
import type { ApiClient } from '../../client/rest.js';
import { logger } from '../../common/log.js';
import { splitKey } from '../lib/workqueue.js';
import type { RunningController, WorkloadControllerOptions } from '../replicaset/controller.js';
import { kubeNow } from '../replicaset/pod-state.js';
import { startSyncLoop } from '../replicaset/sync-loop.js';
import { deletionConditions, emptyReport, groupResource, kubernetesFinalizer, mergeConditions, withoutKubernetesFinalizer, type ContentReport, type NamespaceLike } from './reconcile.js';
import { runOnInformers } from '../lib/start.js';

const namespacesResource = findResource('', 'v1', 'namespaces')!;
const component = 'namespace-controller';
/** While content remains (pods in their grace period, finalizers), look again this often. */
const recheckMs = 1_000;

export function namespacedResources(): ResourceInfo[] {
  return resources.filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete'));
}

export function startNamespaceController(client: ApiClient, opts: WorkloadControllerOptions & { recheckMs?: number } = {}): RunningController {
  return runOnInformers(client, opts.informers, (informers) => new NamespaceController(client, informers, opts.now ?? Date.now, opts.recheckMs ?? recheckMs));
}

class NamespaceController {
  readonly #log = logger(component);
  readonly #namespaces: Informer<NamespaceLike>;
  readonly #transport: HttpTransport;
  readonly #loop;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly client: ApiClient,
    informers: InformerFactory,
    private readonly now: () => number,
    private readonly recheckMs: number,
  ) {
    this.#transport = new HttpTransport(client.connection);
    this.#namespaces = informers.informerFor<NamespaceLike>(namespacesResource);
    this.#loop = startSyncLoop(component, [this.#namespaces], (key) => this.sync(key), this.#log, 2);
    const enqueue = (ns: NamespaceLike) => {
      if (ns.metadata.deletionTimestamp) this.#loop.queue.add(ns.metadata.name!);
    };
    this.#unsubscribe = this.#namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_o, ns) => enqueue(ns) });
  }

  idle(): Promise<void> {
    return this.#loop.idle();
  }

  stop(): void {
    this.#unsubscribe();
    this.#loop.stop();
    this.#transport.close();
  }

  async sync(key: string): Promise<void> {
    const { name } = splitKey(key);
    const ns = this.#namespaces.get(undefined, name);
    if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return;
    const report = await this.#deleteContent(name);
    await this.#writeConditions(ns, report);
    if (report.remaining.size || report.deleteErrors.size) {
      this.#loop.queue.addAfter(key, this.recheckMs);
      return;
    }
    await this.#finalize(ns);
  }

  /** One pass: delete what is not yet being deleted, count what is still there. */
  async #deleteContent(namespace: string): Promise<ContentReport> {
    const report = emptyReport();
    await Promise.all(
      namespacedResources().map(async (ri) => {
        const gr = groupResource(ri.resource, ri.group);
        try {
          const { items } = await this.client.list(ri, namespace);
          for (const obj of items) {
            for (const f of obj.metadata.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
            if (!obj.metadata.deletionTimestamp) {
              await this.client.delete(ri, namespace, obj.metadata.name!, { propagationPolicy: 'Background' }).catch((err: unknown) => {
                if (!isNotFound(err)) throw err;
              });
            }
          }
          const left = (await this.client.list(ri, namespace)).items.length;
          if (left) report.remaining.set(gr, left);
        } catch (err) {
          report.deleteErrors.set(gr, (err as Error).message);
        }
      }),
    );
    return report;
  }

  async #writeConditions(ns: NamespaceLike, report: ContentReport): Promise<void> {
    const conditions = mergeConditions(ns.status?.conditions, deletionConditions(report, kubeNow(this.now())));
    if (JSON.stringify(conditions) === JSON.stringify(ns.status?.conditions ?? [])) return;
    try {
      await this.client.patchStatus(namespacesResource, undefined, ns.metadata.name!, { status: { conditions } }, 'merge', { fieldManager: component });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /**
   * PUT namespaces/{name}/finalize, the only write that may change spec.finalizers. The client
   * has no verb for a named subresource other than status, so the request goes out directly.
   */
  async #finalize(ns: NamespaceLike): Promise<void> {
    const body = JSON.stringify(withoutKubernetesFinalizer(ns));
    const auth = { Accept: 'application/json', 'Content-Type': 'application/json' };
    const res = await this.#transport.send({ method: 'PUT', path: `/api/v1/namespaces/${encodeURIComponent(ns.metadata.name!)}/finalize`, headers: auth, body, timeoutMs: 30_000 });
    if (res.status < 300) {
      this.#log.info('namespace finalized', { namespace: ns.metadata.name });
      return;
    }
    const err = clientErrorFromResponse(res.status, res.body);
    // The namespace itself is gone: done.
    if (isNotFound(err) && err.message === `namespaces "${ns.metadata.name}" not found`) return;
    if (res.status !== 404 && res.status !== 405) throw err;
    await this.#finalizeByUpdate(ns, res.status);
  }

  /**
   * For a server without the finalize subresource: a plain update. Kubernetes' own namespace
   * strategy ignores spec changes on update, so this only helps servers that accept it; when the
   * finalizer survives, the namespace stays Terminating and the sync is retried with back-off.
   */
  async #finalizeByUpdate(ns: NamespaceLike, finalizeStatus: number): Promise<void> {
    const updated = await this.client.update<NamespaceLike>(namespacesResource, undefined, withoutKubernetesFinalizer(ns), { fieldManager: component });
    if ((updated.spec?.finalizers ?? []).includes(kubernetesFinalizer)) {
      throw new Error(`namespace ${ns.metadata.name}: the API server answers ${finalizeStatus} to PUT namespaces/{name}/finalize and keeps spec.finalizers on update, so the namespace cannot be finalized`);
    }
  }
}
