/**
 * Services and pods from their informers, indexed by namespace, with the mapping the endpoint
 * controllers need: which Services a pod change concerns, and which pods a Service selects.
 * Pod updates that change nothing an endpoint shows are filtered out here (upstream podChanged).
 */
import type { KubeObject } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';
import { canonicalJson } from './slice.js';
import { NamespaceIndex } from './indexes.js';
import { selectorMatches, toPodInfo, toServiceInfo, type PodInfo, type ServiceInfo } from './model.js';

/** What an endpoint is made of; a pod update that leaves this unchanged concerns no Service. */
function endpointRelevant(p: PodInfo): string {
  const { resourceVersion: _rv, ...rest } = p;
  return canonicalJson(rest);
}

export class ServicePodIndex {
  readonly services = new NamespaceIndex<ServiceInfo>();
  readonly pods = new NamespaceIndex<PodInfo>();
  readonly #unsubscribe: (() => void)[] = [];

  /** `onServiceKey` is called with "namespace/name" of every Service a change concerns. */
  constructor(services: Informer<KubeObject>, pods: Informer<KubeObject>, onServiceKey: (key: string) => void) {
    this.#unsubscribe.push(
      services.addEventHandler({
        onAdd: (o) => onServiceKey(this.#putService(o)),
        onUpdate: (_old, o) => onServiceKey(this.#putService(o)),
        onDelete: (o) => {
          this.services.delete(o.metadata.namespace ?? '', o.metadata.name ?? '');
          onServiceKey(`${o.metadata.namespace}/${o.metadata.name}`);
        },
      }),
      pods.addEventHandler({
        onAdd: (o) => this.#podChanged(undefined, this.#putPod(o), onServiceKey),
        onUpdate: (_old, o) => {
          const next = toPodInfo(o);
          const prev = this.pods.set(next.namespace, next.name, next);
          if (!prev || endpointRelevant(prev) !== endpointRelevant(next)) this.#podChanged(prev, next, onServiceKey);
        },
        onDelete: (o) => {
          const prev = this.pods.delete(o.metadata.namespace ?? '', o.metadata.name ?? '');
          this.#podChanged(prev ?? toPodInfo(o), undefined, onServiceKey);
        },
      }),
    );
  }

  close(): void {
    this.#unsubscribe.forEach((u) => u());
  }

  service(key: string): ServiceInfo | undefined {
    const [ns, name] = splitKey(key);
    return this.services.get(ns, name);
  }

  serviceKeys(): string[] {
    return [...this.services.all()].map((s) => `${s.namespace}/${s.name}`);
  }

  /** Pods of the Service's namespace matched by its selector (none without a selector). */
  selectedPods(svc: ServiceInfo): PodInfo[] {
    const selector = svc.selector;
    if (!selector) return [];
    const out: PodInfo[] = [];
    for (const pod of this.pods.inNamespace(svc.namespace)) if (selectorMatches(selector, pod.labels)) out.push(pod);
    return out;
  }

  #putService(o: KubeObject): string {
    const svc = toServiceInfo(o);
    this.services.set(svc.namespace, svc.name, svc);
    return `${svc.namespace}/${svc.name}`;
  }

  #putPod(o: KubeObject): PodInfo {
    const pod = toPodInfo(o);
    this.pods.set(pod.namespace, pod.name, pod);
    return pod;
  }

  /** Services selecting the pod before or after the change (a label edit leaves one, joins another). */
  #podChanged(prev: PodInfo | undefined, next: PodInfo | undefined, onServiceKey: (key: string) => void): void {
    const ns = (next ?? prev)!.namespace;
    for (const svc of this.services.inNamespace(ns)) {
      const sel = svc.selector;
      if (!sel) continue;
      if ((next && selectorMatches(sel, next.labels)) || (prev && selectorMatches(sel, prev.labels))) onServiceKey(`${svc.namespace}/${svc.name}`);
    }
  }
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
