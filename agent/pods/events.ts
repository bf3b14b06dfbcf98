/**
 * Pod events as the kubelet records them (source component "kubelet"); failures are only logged.
 * Like the kubelet's event broadcaster, recording never waits: events go out in the background,
 * a few at a time, and only while no pod status write runs or waits (or once they waited
 * `maxDeferMs`): a burst of 100 pod starts records 300 events, and each costs the API server as
 * much as the status write that makes a pod Ready.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import type { ApiClient, ResourceType } from '../../client/index.js';
import { findResource } from '../../api/resources.js';
import { logger } from '../../common/log.js';
import type { Pod } from '../pod/types.js';
import type { Limiter } from './limiter.js';

const events = findResource('', 'v1', 'events')! as ResourceType;
const log = logger('agent/events');
const maxInFlight = 4;
const maxDeferMs = 2_000;

interface Pending {
  namespace: string;
  reason: string;
  event: KubeObject;
}

export class EventRecorder {
  #queue: Pending[] = [];
  #inFlight = 0;
  #deferred = false;

  constructor(
    readonly client: ApiClient,
    readonly nodeName: string,
    /** Writes that go first (pod status). */
    readonly yieldTo?: Limiter,
  ) {}

  record(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string): void {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ns = pod.metadata.namespace ?? 'default';
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid, ...(container ? { fieldPath: `spec.containers{${container}}` } : {}) },
      reason,
      message,
      type,
      source: { component: 'kubelet', host: this.nodeName },
      reportingComponent: 'kubelet',
      reportingInstance: this.nodeName,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.#queue.push({ namespace: ns, reason, event });
    this.#send();
  }

  #send(): void {
    if (this.#deferred) return;
    if (this.yieldTo && !this.yieldTo.idle && this.#queue.length > 0) {
      this.#deferred = true;
      const resume = () => {
        clearTimeout(timer);
        if (!this.#deferred) return;
        this.#deferred = false;
        this.#sendNow();
      };
      const timer = setTimeout(resume, maxDeferMs).unref();
      void this.yieldTo.whenIdle().then(resume);
      return;
    }
    this.#sendNow();
  }

  #sendNow(): void {
    while (this.#inFlight < maxInFlight && this.#queue.length > 0) {
      const e = this.#queue.shift()!;
      this.#inFlight++;
      this.client
        .create(events, e.namespace, e.event)
        .catch((err: unknown) => log.debug('event not recorded', { reason: e.reason, err }))
        .finally(() => {
          this.#inFlight--;
          this.#send();
        });
    }
  }
}
