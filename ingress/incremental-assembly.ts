/**
 * HostCache: assembleTable (compile.ts) for the incremental compiler, by host. Every host's routes,
 * TLS flag and fallback depend only on the served Ingresses that name that host, taken oldest
 * first; so after a change only the hosts named by changed units (before or after the change) are
 * rebuilt, the others keep their HostRoutes. What spans hosts is redone each time but costs one
 * step per Ingress, not per route: problems, served set, certificates, the default backend.
 * Hosts a canary names are rebuilt each time (canaries attach across Ingresses; they are few).
 * compile-equivalence test: the result equals assembleTable's.
 */
import { byPrecedence, collectUnitFacts, newUnitFacts, olderFirst, tlsHostsOf, type CompileResult, type HostBuilder } from './compile.js';
import type { IngressUnit } from './compile-ingress.js';
import type { Backend, CompileProblem, HostRoutes, Route, RouteTable, SecretInfo, TlsCert } from './model.js';
import { attachCanaries, type PendingCanary } from './policies/attach-canary.js';
import type { AccessParts } from './policies/build.js';

interface BuiltHost {
  /** Routes in the order assembleTable meets them (canaries pick their main route in this order). */
  inOrder: Route[];
  routes: HostRoutes;
}

export class HostCache {
  /** The served units of the last assembly (a changed Ingress is a new unit). */
  #units = new Set<IngressUnit>();
  /** Host → main units naming it. */
  readonly #unitsOfHost = new Map<string, Set<IngressUnit>>();
  readonly #hosts = new Map<string, BuiltHost>();

  /** `ordered`: the served units, oldest first. */
  assemble(ordered: readonly IngressUnit[], secrets: ReadonlyMap<string, SecretInfo>): CompileResult {
    const units = new Set(ordered);
    for (const host of this.#reindex(units)) this.#rebuild(host);
    this.#units = units;

    const facts = newUnitFacts();
    for (const unit of ordered) collectUnitFacts(unit, secrets, facts);
    const { withCanaries, canaryBackends } = this.#attachCanaries(facts.canaries, facts.served);
    return { table: this.#table(withCanaries, facts.certs, facts.served, facts.defaultBackend, canaryBackends), problems: facts.problems };
  }

  /** Updates host → units for units that came, went or changed; returns the hosts to rebuild. */
  #reindex(units: ReadonlySet<IngressUnit>): Set<string> {
    const dirty = new Set<string>();
    for (const old of this.#units) {
      if (units.has(old)) continue;
      for (const h of mainHostsOf(old)) {
        dirty.add(h);
        this.#unitsOfHost.get(h)?.delete(old);
      }
    }
    for (const unit of units) {
      if (this.#units.has(unit)) continue;
      for (const h of mainHostsOf(unit)) {
        dirty.add(h);
        let set = this.#unitsOfHost.get(h);
        if (!set) this.#unitsOfHost.set(h, (set = new Set()));
        set.add(unit);
      }
    }
    return dirty;
  }

  /** One host exactly as assembleTable builds it: oldest unit first, first route per path wins. */
  #rebuild(host: string): void {
    const naming = this.#unitsOfHost.get(host);
    if (!naming?.size) {
      this.#unitsOfHost.delete(host);
      this.#hosts.delete(host);
      return;
    }
    const contributing = [...naming].sort((a, b) => olderFirst(a.ing, b.ing));
    const inOrder: Route[] = [];
    const seen = new Set<string>();
    let tls = false;
    let fallback: Backend | undefined;
    for (const unit of contributing) {
      const compiled = unit.compiled!;
      for (const { host: h, route } of compiled.routes) {
        if (h !== host) continue;
        const key = `${route.matcher.kind} ${route.matcher.path}`;
        if (seen.has(key)) continue; // an older Ingress already owns this host+path
        seen.add(key);
        inOrder.push(route);
      }
      if (!compiled.hosts.includes(host)) continue;
      if (tlsHostsOf(unit.ing).has(host)) tls = true;
      if (!fallback && compiled.defaultBackend) fallback = compiled.defaultBackend;
    }
    this.#hosts.set(host, { inOrder, routes: { routes: [...inOrder].sort(byPrecedence), tls, fallback } });
  }

  /** Hosts named by canaries, rebuilt with the canaries attached (the cached ones stay canary-free). */
  #attachCanaries(canaries: PendingCanary[], served: Set<string>): { withCanaries: Map<string, HostRoutes>; canaryBackends: Backend[] } {
    const withCanaries = new Map<string, HostRoutes>();
    if (canaries.length === 0) return { withCanaries, canaryBackends: [] };
    const builders = new Map<string, HostBuilder>();
    const accessOf = new Map<Route, AccessParts | undefined>();
    for (const c of canaries) {
      for (const { host } of c.routes) {
        const built = this.#hosts.get(host);
        if (!built || builders.has(host)) continue;
        builders.set(host, { routes: [...built.inOrder], seen: new Set(), tls: built.routes.tls, fallback: built.routes.fallback });
        for (const unit of this.#unitsOfHost.get(host) ?? []) for (const r of unit.compiled!.routes) if (r.host === host) accessOf.set(r.route, unit.access);
      }
    }
    const canaryBackends = attachCanaries(canaries, builders, accessOf, served);
    for (const [host, b] of builders) withCanaries.set(host, { routes: b.routes.sort(byPrecedence), tls: b.tls, fallback: b.fallback });
    return { withCanaries, canaryBackends };
  }

  #table(withCanaries: Map<string, HostRoutes>, certs: Map<string, TlsCert>, served: Set<string>, defaultBackend: Backend | undefined, canaryBackends: Backend[]): RouteTable {
    const exact = new Map<string, HostRoutes>();
    const wildcard = new Map<string, HostRoutes>();
    let anyHost: HostRoutes | undefined;
    let routeCount = 0;
    for (const [host, built] of this.#hosts) {
      const hr = withCanaries.get(host) ?? built.routes;
      routeCount += hr.routes.length;
      if (host === '') anyHost = hr;
      else if (host.startsWith('*.')) wildcard.set(host.slice(2), hr);
      else exact.set(host, hr);
    }
    return { exact, wildcard, anyHost, defaultBackend, certs, canaryBackends, served, routeCount };
  }
}

/** Hosts whose routes, TLS flag or fallback a main (non-canary, compiled) unit contributes to. */
function mainHostsOf(unit: IngressUnit): Set<string> {
  const out = new Set<string>();
  if (!unit.compiled || unit.canary) return out;
  for (const { host } of unit.compiled.routes) out.add(host);
  for (const host of unit.compiled.hosts) out.add(host);
  return out;
}
