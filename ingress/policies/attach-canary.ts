/**
 * Attaching canary Ingresses (`canary: "true"`) to main routes after every main Ingress is
 * compiled: a canary path joins the main route with the same host and path as its alternative
 * backend. The canary backend keeps its own endpoints and balancer (load-balance/affinity
 * annotations of the canary Ingress) and takes everything else from the main route (options,
 * access policies), as ingress-nginx does. One canary per route: the oldest one wins.
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
export function attachCanaries(pending: readonly PendingCanary[], hosts: ReadonlyMap<string, HostBuilder>, accessOf: ReadonlyMap<Route, AccessParts | undefined>, served: Set<string>): Backend[] {
  const out: Backend[] = [];
  const taken = new Set<Route>();
  for (const c of pending) {
    if (c.hasDefaultBackend) c.report('CanaryNotSupported', 'the defaultBackend of a canary Ingress is not used');
    let attached = false;
    for (const { host, route } of c.routes) {
      const where = `host ${JSON.stringify(host || '*')} path ${JSON.stringify(route.matcher.path)}`;
      const main = mainRouteFor(hosts.get(host), route);
      if (!main) {
        c.report('CanaryWithoutMain', `no main Ingress serves ${where}; the canary path is ignored`);
        continue;
      }
      if (taken.has(main)) {
        c.report('CanaryConflict', `${where} already has an older canary; this one is ignored`);
        continue;
      }
      taken.add(main);
      const canary: Backend = { ...route.backend, options: main.backend.options, policy: null };
      main.policy = makePolicy(accessOf.get(main), main.backend, new CanaryChoice(c.config, canary));
      out.push(canary);
      attached = true;
    }
    if (attached) served.add(`${c.ingress.namespace}/${c.ingress.name}`);
  }
  return out;
}

/** The main route with the same path, preferring the same path type. */
function mainRouteFor(host: HostBuilder | undefined, canary: Route): Route | undefined {
  if (!host) return undefined;
  const samePath = host.routes.filter((r) => r.matcher.path === canary.matcher.path);
  return samePath.find((r) => r.matcher.kind === canary.matcher.kind) ?? samePath[0];
}
