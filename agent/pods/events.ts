/** Pod events as the kubelet records them (source component "kubelet"); failures are only logged. */
import { randomBytes } from 'node:crypto';
import type { ApiClient, ResourceType } from '../../client/index.js';
import { findResource } from '../../api/resources.js';
import { logger } from '../../common/log.js';
import type { Pod } from '../pod/types.js';

const events = findResource('', 'v1', 'events')! as ResourceType;
const log = logger('agent/events');

export class EventRecorder {
  constructor(
    readonly client: ApiClient,
    readonly nodeName: string,
  ) {}

  record(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string): void {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ns = pod.metadata.namespace ?? 'default';
    const event = {
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
    this.client.create(events, ns, event).catch((err: unknown) => log.debug('event not recorded', { reason, err }));
  }
}
