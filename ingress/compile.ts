/**
 * compileRoutes: ClusterState → RouteTable (no clock, no I/O), in two steps: every served Ingress
 * compiled on its own (compile-ingress.ts), then assembleTable puts the units together. Ingresses
 * are taken oldest first, so on any conflict (same host+path, same TLS host, host defaultBackend)
 * the oldest wins, as in ingress-nginx. A bad Ingress is skipped and reported; the others are
 * still compiled. Canary Ingresses attach to main routes once all of those exist
 * (policies/attach-canary.ts). The incremental compiler (incremental.ts) reuses the units that
 * did not change and runs the same assembly, so both give the same table.
 * The only state shared between compiles is what must survive a table swap: EWMA latencies
 * (balancing/ewma.ts) and rate-limit counters (policies/rate-limit.ts).
 */
import { isServed, type ClassPolicy } from './class-selection.js';
import { compileIngress, type CompiledIngress, type IngressUnit } from './compile-ingress.js';
import { EndpointIndex, slicesByService } from './endpoints.js';
import type { AuthSecretInfo, Backend, ClusterState, CompileProblem, HostRoutes, IngressClassInfo, IngressInfo, Route, RouteTable, SecretInfo, TlsCert } from './model.js';
import type { AccessParts } from './policies/build.js';
import { attachCanaries, type PendingCanary } from './policies/attach-canary.js';

export interface CompileResult {
  table: RouteTable;
  problems: CompileProblem[];
}

export interface HostBuilder {
  routes: Route[];
  seen: Set<string>;
  tls: boolean;
  fallback: Backend | undefined;
}

export function compileRoutes(state: ClusterState, policy: ClassPolicy): CompileResult {
  const endpoints = new EndpointIndex();
  const slices = slicesByService(state.slices);
  for (const s of state.services) {
    const k = `${s.namespace}/${s.name}`;
    endpoints.setService(k, s, slices.get(k));
  }
  // Slices of Services that do not exist are never read (a missing Service has no endpoints).
  const authSecrets = new Map<string, AuthSecretInfo>((state.authSecrets ?? []).map((s) => [`${s.namespace}/${s.name}`, s]));
  const ctx = { endpoints, authSecrets };
  const classes = new Map<string, IngressClassInfo>(state.classes.map((c) => [c.name, c]));
  const units = state.ingresses.filter((i) => isServed(i, classes, policy)).sort(olderFirst).map((i) => compileIngress(i, ctx));
  return assembleTable(units, new Map(state.secrets.map((s) => [`${s.namespace}/${s.name}`, s])));
}

/** The table before anything is known: every request gets 404. */
export function emptyTable(): RouteTable {
  return { exact: new Map(), wildcard: new Map(), anyHost: undefined, defaultBackend: undefined, certs: new Map(), canaryBackends: [], served: new Set(), routeCount: 0 };
}

export function olderFirst(a: IngressInfo, b: IngressInfo): number {
  return a.createdMs - b.createdMs || compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name);
}

/** Code-unit order: stable across locales, and much cheaper than localeCompare. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Served units (oldest first) → the table: first route per host+path wins, host TLS and fallback,
 * certificates, the cluster default backend, canaries. Never changes a unit: routes a canary
 * attaches to are copied.
 */
export function assembleTable(units: readonly IngressUnit[], secrets: ReadonlyMap<string, SecretInfo>): CompileResult {
  const facts = newUnitFacts();
  const hosts = new Map<string, HostBuilder>();
  /** The access part of each main route's Ingress, for canaries attaching to the route. */
  const accessOf = new Map<Route, AccessParts | undefined>();
  let routeCount = 0;
  for (const unit of units) {
    const compiled = collectUnitFacts(unit, secrets, facts);
    if (!compiled) continue;
    const tlsHosts = tlsHostsOf(unit.ing);
    for (const { host, route } of compiled.routes) {
      const b = hostBuilder(hosts, host);
      const key = `${route.matcher.kind} ${route.matcher.path}`;
      if (b.seen.has(key)) continue; // an older Ingress already owns this host+path
      b.seen.add(key);
      b.routes.push(route);
      accessOf.set(route, unit.access);
      routeCount++;
    }
    for (const host of compiled.hosts) {
      const b = hostBuilder(hosts, host);
      if (tlsHosts.has(host)) b.tls = true;
      if (!b.fallback && compiled.defaultBackend) b.fallback = compiled.defaultBackend;
    }
  }
  const canaryBackends = attachCanaries(facts.canaries, hosts, accessOf, facts.served);
  return { table: buildTable(hosts, facts.certs, facts.served, facts.defaultBackend, routeCount, canaryBackends), problems: facts.problems };
}

/** What the Ingresses contribute besides their routes; the full and the incremental assembly both gather it. */
export interface UnitFacts {
  problems: CompileProblem[];
  certs: Map<string, TlsCert>;
  served: Set<string>;
  canaries: PendingCanary[];
  defaultBackend: Backend | undefined;
}

export function newUnitFacts(): UnitFacts {
  return { problems: [], certs: new Map(), served: new Set(), canaries: [], defaultBackend: undefined };
}

/**
 * Records one unit (in precedence order) into `facts`: its problems, and then either its canary
 * or, for a served main Ingress, its name, default backend and certificates. Returns the compiled
 * main Ingress whose routes the caller places; undefined for rejected Ingresses and canaries.
 */
export function collectUnitFacts(unit: IngressUnit, secrets: ReadonlyMap<string, SecretInfo>, facts: UnitFacts): CompiledIngress | undefined {
  const { ing, compiled } = unit;
  const who = { namespace: ing.namespace, name: ing.name, uid: ing.uid };
  const report = (reason: string, message: string) => facts.problems.push({ ingress: who, reason, message });
  for (const p of unit.problems) report(p.reason, p.message);
  if (!compiled) return undefined;
  if (unit.canary) {
    facts.canaries.push({ ingress: ing, config: unit.canary, routes: compiled.routes, hasDefaultBackend: compiled.defaultBackend !== undefined, report });
    return undefined;
  }
  facts.served.add(`${ing.namespace}/${ing.name}`);
  if (!facts.defaultBackend && compiled.defaultBackend) facts.defaultBackend = compiled.defaultBackend;
  addCerts(ing, secrets, facts.certs, report);
  return compiled;
}

function hostBuilder(hosts: Map<string, HostBuilder>, host: string): HostBuilder {
  let b = hosts.get(host);
  if (!b) hosts.set(host, (b = { routes: [], seen: new Set(), tls: false, fallback: undefined }));
  return b;
}

/** TLS hosts of an Ingress; a tls entry without hosts covers every rule host of it. */
export function tlsHostsOf(ing: IngressInfo): Set<string> {
  const out = new Set<string>();
  for (const t of ing.tls) {
    if (t.hosts.length) for (const h of t.hosts) out.add(h);
    else for (const r of ing.rules) out.add(r.host);
  }
  return out;
}

export function addCerts(ing: IngressInfo, secrets: ReadonlyMap<string, { cert: string; key: string }>, certs: Map<string, TlsCert>, report: (r: string, m: string) => void): void {
  for (const t of ing.tls) {
    if (!t.secretName) continue;
    const id = `${ing.namespace}/${t.secretName}`;
    const s = secrets.get(id);
    if (!s) {
      report('SecretNotFound', `TLS secret ${id} not found or not a kubernetes.io/tls secret`);
      continue;
    }
    // No hosts: the certificate becomes the default one (reference §1.7, "wildcard host setting").
    for (const h of t.hosts.length ? t.hosts : ['*']) if (!certs.has(h)) certs.set(h, { id, cert: s.cert, key: s.key });
  }
}

function buildTable(hosts: Map<string, HostBuilder>, certs: Map<string, TlsCert>, served: Set<string>, defaultBackend: Backend | undefined, routeCount: number, canaryBackends: Backend[]): RouteTable {
  const exact = new Map<string, HostRoutes>();
  const wildcard = new Map<string, HostRoutes>();
  let anyHost: HostRoutes | undefined;
  for (const [host, b] of hosts) {
    const hr: HostRoutes = { routes: b.routes.sort(byPrecedence), tls: b.tls, fallback: b.fallback };
    if (host === '') anyHost = hr;
    else if (host.startsWith('*.')) wildcard.set(host.slice(2), hr);
    else exact.set(host, hr);
  }
  return { exact, wildcard, anyHost, defaultBackend, certs, canaryBackends, served, routeCount };
}

/** Longest path first; Exact before the others on equal length; then the older Ingress. */
export function byPrecedence(a: Route, b: Route): number {
  return b.length - a.length || a.typeRank - b.typeRank || a.createdMs - b.createdMs;
}
