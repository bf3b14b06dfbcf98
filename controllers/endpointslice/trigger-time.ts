/**
 * The `endpoints.kubernetes.io/last-change-trigger-time` annotation (upstream TriggerTimeTracker):
 * the earliest time among the changes a sync picks up. A pod's change time is its Ready
 * condition's lastTransitionTime; the Service's is its creation. Only pods and a Service whose
 * time differs from the last sync count, so an unchanged sync yields no time at all.
 */
import type { PodInfo, ServiceInfo } from './model.js';

interface State {
  podTimes: Map<string, string>;
  serviceTime?: string;
}

export class TriggerTimeTracker {
  readonly #states = new Map<string, State>();

  compute(svc: ServiceInfo, pods: readonly PodInfo[]): string | undefined {
    const key = `${svc.namespace}/${svc.name}`;
    const old = this.#states.get(key);
    const next: State = { podTimes: new Map(), serviceTime: svc.creationTimestamp };
    let min: string | undefined;
    const consider = (t: string | undefined) => {
      if (t && (!min || Date.parse(t) < Date.parse(min))) min = t;
    };
    for (const pod of pods) {
      const t = pod.readyTransitionTime;
      if (!t) continue;
      next.podTimes.set(pod.name, t);
      if (old?.podTimes.get(pod.name) !== t) consider(t);
    }
    if (old?.serviceTime !== svc.creationTimestamp) consider(svc.creationTimestamp);
    this.#states.set(key, next);
    return min;
  }

  forget(serviceKey: string): void {
    this.#states.delete(serviceKey);
  }
}
