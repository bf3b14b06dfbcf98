/**
 * Services and pods from their informers, indexed by namespace, with the mapping the endpoint
 * controllers need: which Services a pod change concerns, and which pods a Service selects.
 * Pod updates that change nothing an endpoint shows are filtered out here (upstream podChanged).
 */
import type { KubeObject } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';
import { canonicalJson } from './slice.js';
import { LabelIndex, NamespaceIndex } from './indexes.js';
import { selectorMatches, toPodInfo, toServiceInfo, type PodInfo, type ServiceInfo } from './model.js';

/** What an endpoint is made of; a pod update that leaves this unchanged concerns no Service. */
function endpointRelevant(p: PodInfo): string {
  const { resourceVersion: _rv, ...rest } = p;
  return canonicalJson(rest);
}

export class ServicePodIndex {
  readonly services = new NamespaceIndex<ServiceInfo>();
  readonly pods = new NamespaceIndex<PodInfo>();
  /** Pods by their labels; Services by their selectors' pairs. */
  readonly #podLabels = new LabelIndex();
  readonly #serviceSelectors = new LabelIndex();
  readonly #unsubscribe: (() => void)[] = [];

  /** `onServiceKey` is called with "namespace/name" of every Service a change concerns. */
  constructor(services: Informer<KubeObject>, pods: Informer<KubeObject>, onServiceKey: (key: string) => void) {
    this.#unsubscribe.push(
      services.addEventHandler({
        onAdd: (o) => onServiceKey(this.#putService(o)),
        onUpdate: (_old, o) => onServiceKey(this.#putService(o)),
        onDelete: (o) => {
          const old = this.services.delete(o.metadata.namespace ?? '', o.metadata.name ?? '');
          if (old?.selector) this.#serviceSelectors.remove(old.namespace, old.name, old.selector);
          onServiceKey(`${o.metadata.namespace}/${o.metadata.name}`);
        },
      }),
      pods.addEventHandler({
        onAdd: (o) => {
          const { prev, pod } = this.#putPod(o);
          this.#podChanged(prev, pod, onServiceKey);
        },
        onUpdate: (_old, o) => {
          const next = this.#putPod(o);
          if (!next.prev || endpointRelevant(next.prev) !== endpointRelevant(next.pod)) this.#podChanged(next.prev, next.pod, onServiceKey);
        },
        onDelete: (o) => {
          const prev = this.pods.delete(o.metadata.namespace ?? '', o.metadata.name ?? '');
          if (prev) this.#podLabels.remove(prev.namespace, prev.name, prev.labels);
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
    for (const name of this.#podLabels.candidates(svc.namespace, selector)) {
      const pod = this.pods.get(svc.namespace, name);
      if (pod && selectorMatches(selector, pod.labels)) out.push(pod);
    }
    return out;
  }

  #putService(o: KubeObject): string {
    const svc = toServiceInfo(o);
    const old = this.services.set(svc.namespace, svc.name, svc);
    if (old?.selector) this.#serviceSelectors.remove(old.namespace, old.name, old.selector);
    if (svc.selector) this.#serviceSelectors.add(svc.namespace, svc.name, svc.selector);
    return `${svc.namespace}/${svc.name}`;
  }

  #putPod(o: KubeObject): { prev: PodInfo | undefined; pod: PodInfo } {
    const pod = toPodInfo(o);
    const prev = this.pods.set(pod.namespace, pod.name, pod);
    if (prev) this.#podLabels.remove(prev.namespace, prev.name, prev.labels);
    this.#podLabels.add(pod.namespace, pod.name, pod.labels);
    return { prev, pod };
  }

  /** Services selecting the pod before or after the change (a label edit leaves one, joins another). */
  #podChanged(prev: PodInfo | undefined, next: PodInfo | undefined, onServiceKey: (key: string) => void): void {
    const ns = (next ?? prev)!.namespace;
    const names = this.#serviceSelectors.withAnyPair(ns, next?.labels ?? {});
    if (prev) for (const n of this.#serviceSelectors.withAnyPair(ns, prev.labels)) names.add(n);
    for (const name of names) {
      const svc = this.services.get(ns, name);
      const sel = svc?.selector;
      if (!svc || !sel) continue;
      if ((next && selectorMatches(sel, next.labels)) || (prev && selectorMatches(sel, prev.labels))) onServiceKey(`${svc.namespace}/${svc.name}`);
    }
  }
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
