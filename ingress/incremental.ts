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
import type { AuthSecretInfo, ClusterState, IngressClassInfo, ServiceInfo, SliceInfo } from './model.js';

export class IncrementalCompiler {
  readonly #policy: ClassPolicy;
  #endpoints = new EndpointIndex();
  #hosts = new HostCache();
  #services = new Map<string, ServiceInfo>();
  #slices = new Map<string, SliceInfo[]>();
  #authSecrets = new Map<string, AuthSecretInfo>();
  /** "ns/name" → the unit compiled for it last time (served Ingresses only). */
  #units = new Map<string, IngressUnit>();
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
      this.#services = new Map();
      this.#slices = new Map();
      this.#authSecrets = new Map();
      this.#units = new Map();
      this.#hosts = new HostCache();
      throw err;
    }
  }

  #compile(state: ClusterState): CompileResult {
    const changedServices = this.#updateServices(state);
    const authChanged = this.#updateAuthSecrets(state.authSecrets ?? []);
    const classes = new Map<string, IngressClassInfo>(state.classes.map((c) => [c.name, c]));
    const ctx = { endpoints: this.#endpoints, authSecrets: this.#authSecrets };
    const units = new Map<string, IngressUnit>();
    let recompiled = 0;
    for (const ing of state.ingresses) {
      if (!isServed(ing, classes, this.#policy)) continue;
      const key = `${ing.namespace}/${ing.name}`;
      let unit = this.#units.get(key);
      if (!unit || unit.ing !== ing || (authChanged && unit.readsAuthSecrets) || unit.services.some((s) => changedServices.has(s))) {
        unit = compileIngress(ing, ctx);
        recompiled++;
      }
      units.set(key, unit);
    }
    this.#units = units;
    this.lastRecompiled = recompiled;
    const ordered = [...units.values()].sort((a, b) => olderFirst(a.ing, b.ing));
    return this.#hosts.assemble(units, ordered, new Map(state.secrets.map((s) => [`${s.namespace}/${s.name}`, s])));
  }

  /** Services ("ns/name") whose object or slices are not the ones of the last compile. */
  #updateServices(state: ClusterState): Set<string> {
    const services = new Map(state.services.map((s) => [`${s.namespace}/${s.name}`, s]));
    const slices = slicesByService(state.slices);
    const changed = new Set<string>();
    const check = (k: string) => {
      if (changed.has(k)) return;
      if (services.get(k) !== this.#services.get(k) || !sameList(slices.get(k), this.#slices.get(k))) changed.add(k);
    };
    for (const k of services.keys()) check(k);
    for (const k of slices.keys()) check(k);
    for (const k of this.#services.keys()) check(k);
    for (const k of this.#slices.keys()) check(k);
    for (const k of changed) this.#endpoints.setService(k, services.get(k), slices.get(k));
    this.#services = services;
    this.#slices = slices;
    return changed;
  }

  #updateAuthSecrets(list: readonly AuthSecretInfo[]): boolean {
    const next = new Map(list.map((s) => [`${s.namespace}/${s.name}`, s]));
    const prev = this.#authSecrets;
    this.#authSecrets = next;
    if (next.size !== prev.size) return true;
    for (const [k, v] of next) if (prev.get(k) !== v) return true;
    return false;
  }
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
