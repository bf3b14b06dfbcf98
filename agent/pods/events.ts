/**
 * Pod events as the kubelet records them (source component "kubelet"); failures are only logged.
 * Like the kubelet's event broadcaster, recording never waits: events go out in the background,
 * a few at a time, and only once no pod status write ran or waited for `quietMs` (or once they
 * waited `maxDeferMs`; then all that are queued go): a burst of 100 pod starts records 300 events,
 * and each costs the API server about as much as the status write that makes a pod Ready.
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
const quietMs = 300;
const maxDeferMs = 5_000;

interface Pending {
  namespace: string;
  reason: string;
  event: KubeObject;
}

export class EventRecorder {
  #queue: Pending[] = [];
  #inFlight = 0;
  /** A wake-up is scheduled. */
  #waiting = false;
  /** When the queue started waiting for status writes to go quiet. */
  #deferSince?: number;
  /** Waited long enough: send everything queued before waiting again. */
  #flushing = false;

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
    if (this.#queue.length === 0) {
      this.#flushing = false;
      this.#deferSince = undefined;
      return;
    }
    if (this.#waiting) return;
    const status = this.yieldTo;
    const now = Date.now();
    if (status && !this.#flushing) {
      this.#deferSince ??= now;
      const quietFor = status.idle ? now - status.idleSince : 0;
      if (now - this.#deferSince >= maxDeferMs) this.#flushing = true;
      else if (quietFor < quietMs) return this.#wakeIn(status.idle ? quietMs - quietFor : Math.min(quietMs, maxDeferMs - (now - this.#deferSince)));
    }
    this.#deferSince = undefined;
    this.#sendNow();
  }

  #wakeIn(ms: number): void {
    this.#waiting = true;
    setTimeout(() => {
      this.#waiting = false;
      this.#send();
    }, ms).unref();
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
