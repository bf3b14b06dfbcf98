/**
 * IncrementalCompiler: compileRoutes with memory. Each compile compares the new ClusterState with
 * the previous one by object identity (the controller and the workers keep an unchanged object
 * as the same object) and recompiles only the Ingresses that changed or that name a Service whose
 * Service object or EndpointSlices changed (or read auth Secrets, when one of those changed); the
 * other IngressUnits are reused, and only the hosts those units name are assembled again
 * (incremental-assembly.ts). The result equals compileRoutes(state), which stays the reference
 * (incremental.test.ts checks it over random change sequences). At 10k routes a one-Ingress
 * change costs a few steps per Ingress and per host, not a compile of 10k routes.
 */
import { isServed, type ClassPolicy } from './class-selection.js';
import { olderFirst, type CompileResult } from './compile.js';
import { compileIngress, type IngressUnit } from './compile-ingress.js';
import { EndpointIndex, slicesByService } from './endpoints.js';
import { HostCache } from './incremental-assembly.js';
import type { AuthSecretInfo, ClusterState, IngressClassInfo, IngressInfo, ServiceInfo, SliceInfo } from './model.js';

export class IncrementalCompiler {
  readonly #policy: ClassPolicy;
  #endpoints = new EndpointIndex();
  #hosts = new HostCache();
  #services = new Set<ServiceInfo>();
  #slices = new Set<SliceInfo>();
  #authSecrets = new Map<string, AuthSecretInfo>();
  /** The unit compiled for each served Ingress object last time. */
  #units = new Map<IngressInfo, IngressUnit>();
  /** Units compiled (not reused) by the last compile, for tests and logs. */
  lastRecompiled = 0;

  constructor(policy: ClassPolicy) {
    this.#policy = policy;
  }

  compile(state: ClusterState): CompileResult {
    try {
      return this.#compile(state);
    } catch (err) {
      // Half-updated memory would hide changes from the next compile: start over from nothing.
      this.#endpoints = new EndpointIndex();
      this.#hosts = new HostCache();
      this.#services = new Set();
      this.#slices = new Set();
      this.#authSecrets = new Map();
      this.#units = new Map();
      throw err;
    }
  }

  #compile(state: ClusterState): CompileResult {
    const changedServices = this.#updateServices(state);
    const authChanged = this.#updateAuthSecrets(state.authSecrets ?? []);
    const classes = new Map<string, IngressClassInfo>(state.classes.map((c) => [c.name, c]));
    const ctx = { endpoints: this.#endpoints, authSecrets: this.#authSecrets };
    const units = new Map<IngressInfo, IngressUnit>();
    const stale = (u: IngressUnit) => (authChanged && u.readsAuthSecrets) || (changedServices.size > 0 && u.services.some((s) => changedServices.has(s)));
    let recompiled = 0;
    for (const ing of state.ingresses) {
      if (!isServed(ing, classes, this.#policy)) continue;
      let unit = this.#units.get(ing);
      if (!unit || stale(unit)) {
        unit = compileIngress(ing, ctx);
        recompiled++;
      }
      units.set(ing, unit);
    }
    this.#units = units;
    this.lastRecompiled = recompiled;
    const ordered = [...units.values()].sort((a, b) => olderFirst(a.ing, b.ing));
    return this.#hosts.assemble(ordered, new Map(state.secrets.map((s) => [`${s.namespace}/${s.name}`, s])));
  }

  /**
   * Services ("ns/name") whose object or slices are not the ones of the last compile, found by
   * identity (no key is built for the thousands that did not change); their endpoints are forgotten.
   */
  #updateServices(state: ClusterState): Set<string> {
    const services = new Set(state.services);
    const slices = new Set(state.slices);
    const changed = new Set<string>();
    for (const s of services) if (!this.#services.has(s)) changed.add(`${s.namespace}/${s.name}`);
    for (const s of this.#services) if (!services.has(s)) changed.add(`${s.namespace}/${s.name}`);
    for (const sl of slices) if (!this.#slices.has(sl)) changed.add(`${sl.namespace}/${sl.service}`);
    for (const sl of this.#slices) if (!slices.has(sl)) changed.add(`${sl.namespace}/${sl.service}`);
    this.#services = services;
    this.#slices = slices;
    if (changed.size === 0) return changed;
    const serviceOf = new Map<string, ServiceInfo>();
    for (const s of state.services) {
      const k = `${s.namespace}/${s.name}`;
      if (changed.has(k)) serviceOf.set(k, s);
    }
    const slicesOf = slicesByService(state.slices.filter((sl) => changed.has(`${sl.namespace}/${sl.service}`)));
    for (const k of changed) this.#endpoints.setService(k, serviceOf.get(k), slicesOf.get(k));
    return changed;
  }

  #updateAuthSecrets(list: readonly AuthSecretInfo[]): boolean {
    const prev = this.#authSecrets;
    if (list.length === 0 && prev.size === 0) return false;
    const next = new Map(list.map((s) => [`${s.namespace}/${s.name}`, s]));
    this.#authSecrets = next;
    if (next.size !== prev.size) return true;
    for (const [k, v] of next) if (prev.get(k) !== v) return true;
    return false;
  }
}
