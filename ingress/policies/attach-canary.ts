/**
 * Attaching canary Ingresses (`canary: "true"`) to main routes after every main Ingress is
 * compiled: a canary path joins the main route with the same host and path as its alternative
 * backend. The canary backend keeps its own endpoints and balancer (load-balance/affinity
 * annotations of the canary Ingress) and takes everything else from the main route (options,
 * access policies), as ingress-nginx does. One canary per route: the oldest one wins.
 * The main route is replaced by a copy carrying the canary, never edited: compiled routes are
 * reused by later compiles (incremental.ts) and may be in the table being served.
 */
import type { HostBuilder } from '../compile.js';
import type { Backend, IngressInfo, Route } from '../model.js';
import { makePolicy, type AccessParts } from './build.js';
import { CanaryChoice } from './canary.js';
import type { CanaryConfig } from './canary-config.js';

export interface PendingCanary {
  ingress: IngressInfo;
  config: CanaryConfig;
  routes: { host: string; route: Route }[];
  hasDefaultBackend: boolean;
  report(reason: string, message: string): void;
}

/** Returns the canary backends (the data plane keeps their connection pools). */
export function attachCanaries(pending: readonly PendingCanary[], hosts: ReadonlyMap<string, HostBuilder>, accessOf: Map<Route, AccessParts | undefined>, served: Set<string>): Backend[] {
  const out: Backend[] = [];
  const taken = new Set<Route>();
  for (const c of pending) {
    if (c.hasDefaultBackend) c.report('CanaryNotSupported', 'the defaultBackend of a canary Ingress is not used');
    let attached = false;
    for (const { host, route } of c.routes) {
      const where = `host ${JSON.stringify(host || '*')} path ${JSON.stringify(route.matcher.path)}`;
      const hostRoutes = hosts.get(host)?.routes;
      const main = hostRoutes && mainRouteFor(hostRoutes, route);
      if (!hostRoutes || !main) {
        c.report('CanaryWithoutMain', `no main Ingress serves ${where}; the canary path is ignored`);
        continue;
      }
      if (taken.has(main)) {
        c.report('CanaryConflict', `${where} already has an older canary; this one is ignored`);
        continue;
      }
      const canary: Backend = { ...route.backend, options: main.backend.options, policy: null };
      const access = accessOf.get(main);
      const withCanary: Route = { ...main, policy: makePolicy(access, main.backend, new CanaryChoice(c.config, canary)) };
      hostRoutes[hostRoutes.indexOf(main)] = withCanary;
      accessOf.set(withCanary, access);
      taken.add(withCanary);
      out.push(canary);
      attached = true;
    }
    if (attached) served.add(`${c.ingress.namespace}/${c.ingress.name}`);
  }
  return out;
}

/** The main route with the same path, preferring the same path type. */
function mainRouteFor(routes: readonly Route[], canary: Route): Route | undefined {
  const samePath = routes.filter((r) => r.matcher.path === canary.matcher.path);
  return samePath.find((r) => r.matcher.kind === canary.matcher.kind) ?? samePath[0];
}
