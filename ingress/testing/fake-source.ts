/** A stand-in for an informer: holds objects, delivers add/update/delete to handlers at once. */
import type { KubeObject } from '../../api/types.js';
import type { EventHandler } from '../../client/informer.js';
import type { IngressSources, ObjectSource } from '../controller.js';

export class FakeSource implements ObjectSource {
  readonly #objects = new Map<string, KubeObject>();
  readonly #handlers = new Set<EventHandler<KubeObject>>();

  constructor(initial: KubeObject[] = []) {
    for (const o of initial) this.#objects.set(keyOf(o), o);
  }

  addEventHandler(handler: EventHandler<KubeObject>): () => void {
    this.#handlers.add(handler);
    for (const o of this.#objects.values()) handler.onAdd?.(o);
    return () => this.#handlers.delete(handler);
  }

  hasSynced(): boolean {
    return true;
  }

  async waitForSync(): Promise<void> {}

  set(o: KubeObject): void {
    const old = this.#objects.get(keyOf(o));
    this.#objects.set(keyOf(o), o);
    for (const h of this.#handlers) (old ? h.onUpdate?.(old, o) : h.onAdd?.(o));
  }

  delete(o: KubeObject): void {
    if (!this.#objects.delete(keyOf(o))) return;
    for (const h of this.#handlers) h.onDelete?.(o);
  }
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

export function fakeSources(): IngressSources & Record<'ingresses' | 'classes' | 'services' | 'slices' | 'secrets', FakeSource> {
  return { ingresses: new FakeSource(), classes: new FakeSource(), services: new FakeSource(), slices: new FakeSource(), secrets: new FakeSource() };
}

/** API-shaped objects for tests and benchmarks. */
export const api = {
  service(name: string, namespace = 'default'): KubeObject {
    return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
  },
  slice(service: string, endpoints: { address: string; port: number }[], namespace = 'default'): KubeObject {
    // One slice per port (a slice's ports apply to all of its endpoints).
    const port = endpoints[0]?.port ?? 8080;
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${service}-slice`, namespace, labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port, protocol: 'TCP' }],
      endpoints: endpoints.map((e) => ({ addresses: [e.address], conditions: { ready: true } })),
    };
  },
  ingress(name: string, rules: { host: string; paths: { path: string; service: string }[] }[], namespace = 'default', createdMs = 0): KubeObject {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: new Date(createdMs).toISOString() },
      spec: { rules: rules.map((r) => ({ host: r.host, http: { paths: r.paths.map((p) => ({ path: p.path, pathType: 'Prefix', backend: { service: { name: p.service, port: { number: 80 } } } })) } })) },
    };
  },
};
