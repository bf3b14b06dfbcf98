/**
 * EndpointIndex: Service ports → ready endpoint addresses (from EndpointSlices), one shared list
 * per Service port (10k routes over few Services: few lists). The full compile builds one per
 * compile; the incremental compiler keeps one and forgets a Service when it or its slices change.
 */
import type { BackendRef, Endpoint, ServiceInfo, SliceInfo } from './model.js';

interface Resolved {
  endpoints: readonly Endpoint[];
  /** Why the list is empty because the Service or its port does not exist (a BackendNotFound). */
  missing: string | undefined;
}

export class EndpointIndex {
  readonly #services = new Map<string, ServiceInfo>();
  readonly #slices = new Map<string, SliceInfo[]>();
  /** "ns/svc" → port (as written) → resolved list. */
  readonly #cache = new Map<string, Map<number | string, Resolved>>();

  /** Replaces what is known of one Service ("ns/name"): its object and its slices in state order. */
  setService(svcKey: string, service: ServiceInfo | undefined, slices: SliceInfo[] | undefined): void {
    if (service) this.#services.set(svcKey, service);
    else this.#services.delete(svcKey);
    if (slices?.length) this.#slices.set(svcKey, slices);
    else this.#slices.delete(svcKey);
    this.#cache.delete(svcKey);
  }

  /** Endpoints of `ref` in namespace `ns`; the missing message when the Service/port is absent. */
  resolve(svcKey: string, ref: BackendRef): Resolved {
    let byPort = this.#cache.get(svcKey);
    if (!byPort) this.#cache.set(svcKey, (byPort = new Map()));
    let r = byPort.get(ref.port);
    if (!r) byPort.set(ref.port, (r = this.#compute(svcKey, ref)));
    return r;
  }

  #compute(svcKey: string, ref: BackendRef): Resolved {
    const svc = this.#services.get(svcKey);
    if (!svc) return { endpoints: [], missing: `service ${svcKey} not found` };
    const sp = svc.ports.find((p) => (typeof ref.port === 'number' ? p.port === ref.port : p.name === ref.port));
    if (!sp) return { endpoints: [], missing: `service ${svcKey} has no port ${ref.port}` };
    const out: Endpoint[] = [];
    const seen = new Set<string>();
    for (const sl of this.#slices.get(svcKey) ?? []) {
      // Slice ports carry the Service port's name; a numeric targetPort with no slice port still works.
      const port = sl.ports.find((p) => p.name === sp.name)?.port ?? (typeof sp.targetPort === 'number' ? sp.targetPort : undefined);
      if (!port) continue;
      for (const ep of sl.endpoints) {
        if (!ep.ready) continue;
        const host = ep.addresses[0];
        if (!host) continue;
        const key = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ host, port, key });
      }
    }
    return { endpoints: out, missing: undefined };
  }
}

/** Slices grouped by their Service ("ns/svc"), in state order. */
export function slicesByService(slices: readonly SliceInfo[]): Map<string, SliceInfo[]> {
  const out = new Map<string, SliceInfo[]>();
  for (const sl of slices) {
    const k = `${sl.namespace}/${sl.service}`;
    const list = out.get(k);
    if (list) list.push(sl);
    else out.set(k, [sl]);
  }
  return out;
}
