/**
 * compileRoutes: ClusterState → RouteTable (no clock, no I/O). Ingresses are taken oldest
 * first, so on any conflict (same host+path, same TLS host, host defaultBackend) the oldest wins,
 * as in ingress-nginx. A bad Ingress is skipped and reported; the others are still compiled.
 * Canary Ingresses attach to main routes once all of those exist (policies/attach-canary.ts).
 * The only state shared between compiles is what must survive a table swap: EWMA latencies
 * (balancing/ewma.ts) and rate-limit counters (policies/rate-limit.ts).
 */
import { parseAnnotations, type IngressAnnotations } from './annotations.js';
import { makeBalancer } from './balancing/make-balancer.js';
import { isServed, type ClassPolicy } from './class-selection.js';
import type { AuthSecretInfo, Backend, BackendRef, ClusterState, CompileProblem, Endpoint, HostRoutes, IngressClassInfo, IngressInfo, IngressPath, PathMatcher, Route, RouteTable, TlsCert } from './model.js';
import { buildAccess, makePolicy, type AccessParts } from './policies/build.js';
import { attachCanaries, type PendingCanary } from './policies/attach-canary.js';

export interface CompileResult {
  table: RouteTable;
  problems: CompileProblem[];
}

const hostPattern = /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
/** Path characters: no whitespace, controls, quotes, braces or semicolons (nothing config-like). */
const pathPattern = /^\/[A-Za-z0-9\-._~!$&'()*+,=:@%/]*$/;
/** Regex paths may use regex syntax but stay bounded in size. */
const regexPathPattern = /^\/[\x21-\x7e]{0,255}$/;

class IngressRejected extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export interface HostBuilder {
  routes: Route[];
  seen: Set<string>;
  tls: boolean;
  fallback: Backend | undefined;
}

export function compileRoutes(state: ClusterState, policy: ClassPolicy): CompileResult {
  const problems: CompileProblem[] = [];
  const classes = new Map<string, IngressClassInfo>(state.classes.map((c) => [c.name, c]));
  const backends = new BackendResolver(state);
  const hosts = new Map<string, HostBuilder>();
  const certs = new Map<string, TlsCert>();
  const secrets = new Map(state.secrets.map((s) => [`${s.namespace}/${s.name}`, s]));
  const served = new Set<string>();
  const authSecrets = new Map<string, AuthSecretInfo>((state.authSecrets ?? []).map((s) => [`${s.namespace}/${s.name}`, s]));
  const canaries: PendingCanary[] = [];
  /** The access part of each main route's Ingress, for canaries attaching to the route. */
  const accessOf = new Map<Route, AccessParts | undefined>();
  let defaultBackend: Backend | undefined;
  let routeCount = 0;

  const ordered = state.ingresses.filter((i) => isServed(i, classes, policy)).sort(olderFirst);
  for (const ing of ordered) {
    const report = (reason: string, message: string) => problems.push({ ingress: { namespace: ing.namespace, name: ing.name, uid: ing.uid }, reason, message });
    const ann = parseAnnotations(ing.annotations);
    for (const p of ann.problems) report('InvalidAnnotation', p);
    // A canary's own access annotations are not used: it inherits the main Ingress's.
    const access = ann.canary ? undefined : buildAccess(ann.access, { namespace: ing.namespace, name: ing.name, authSecrets, report });
    let compiled: CompiledIngress;
    try {
      compiled = compileIngress(ing, ann, backends, access);
    } catch (err) {
      if (!(err instanceof IngressRejected)) throw err;
      report(err.reason, err.message);
      continue;
    }
    for (const m of backends.takeMissing()) report('BackendNotFound', m);
    if (ann.canary) {
      canaries.push({ ingress: ing, config: ann.canary, routes: compiled.routes, hasDefaultBackend: compiled.defaultBackend !== undefined, report });
      continue;
    }
    served.add(`${ing.namespace}/${ing.name}`);
    const tlsHosts = tlsHostsOf(ing);
    for (const { host, route } of compiled.routes) {
      const b = hostBuilder(hosts, host);
      const key = `${route.matcher.kind} ${route.matcher.path}`;
      if (b.seen.has(key)) continue; // an older Ingress already owns this host+path
      b.seen.add(key);
      b.routes.push(route);
      accessOf.set(route, access);
      routeCount++;
    }
    for (const host of compiled.hosts) {
      const b = hostBuilder(hosts, host);
      if (tlsHosts.has(host)) b.tls = true;
      if (!b.fallback && compiled.defaultBackend) b.fallback = compiled.defaultBackend;
    }
    if (!defaultBackend && compiled.defaultBackend) defaultBackend = compiled.defaultBackend;
    addCerts(ing, secrets, certs, report);
  }
  const canaryBackends = attachCanaries(canaries, hosts, accessOf, served);
  return { table: buildTable(hosts, certs, served, defaultBackend, routeCount, canaryBackends), problems };
}

/** The table before anything is known: every request gets 404. */
export function emptyTable(): RouteTable {
  return { exact: new Map(), wildcard: new Map(), anyHost: undefined, defaultBackend: undefined, certs: new Map(), canaryBackends: [], served: new Set(), routeCount: 0 };
}

function olderFirst(a: IngressInfo, b: IngressInfo): number {
  return a.createdMs - b.createdMs || compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name);
}

/** Code-unit order: stable across locales, and much cheaper than localeCompare. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hostBuilder(hosts: Map<string, HostBuilder>, host: string): HostBuilder {
  let b = hosts.get(host);
  if (!b) hosts.set(host, (b = { routes: [], seen: new Set(), tls: false, fallback: undefined }));
  return b;
}

/** TLS hosts of an Ingress; a tls entry without hosts covers every rule host of it. */
function tlsHostsOf(ing: IngressInfo): Set<string> {
  const out = new Set<string>();
  for (const t of ing.tls) {
    if (t.hosts.length) for (const h of t.hosts) out.add(h);
    else for (const r of ing.rules) out.add(r.host);
  }
  return out;
}

function addCerts(ing: IngressInfo, secrets: Map<string, { cert: string; key: string }>, certs: Map<string, TlsCert>, report: (r: string, m: string) => void): void {
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

interface CompiledIngress {
  routes: { host: string; route: Route }[];
  hosts: string[];
  defaultBackend: Backend | undefined;
}

function compileIngress(ing: IngressInfo, ann: IngressAnnotations, backends: BackendResolver, access: AccessParts | undefined): CompiledIngress {
  const regexMode = ann.useRegex || ann.rewriteTarget !== undefined;
  const routes: { host: string; route: Route }[] = [];
  const hosts: string[] = [];
  if (ing.rules.length === 0 && !ing.defaultBackend) throw new IngressRejected('InvalidIngress', 'neither rules nor defaultBackend');
  for (const rule of ing.rules) {
    if (rule.host !== '' && !hostPattern.test(rule.host)) throw new IngressRejected('InvalidHost', `host ${JSON.stringify(rule.host.slice(0, 80))} is not a valid DNS name or wildcard`);
    hosts.push(rule.host);
    for (const p of rule.paths) {
      if (!p.backend) throw new IngressRejected('InvalidBackend', `path ${JSON.stringify(p.path.slice(0, 80))} has no service backend (resource backends are not supported)`);
      const matcher = compileMatcher(p, regexMode);
      // Affinity cookies default to the route's path (nginx's location path; '/' for regexes).
      const backend = backends.resolve(ing, p.backend, ann, access, matcher.kind === 'regex' ? '/' : matcher.path);
      routes.push({ host: rule.host, route: makeRoute(matcher, p, backend, ann, ing.createdMs) });
    }
  }
  const defaultBackend = ing.defaultBackend ? backends.resolve(ing, ing.defaultBackend, ann, access, '/') : undefined;
  return { routes, hosts, defaultBackend };
}

function makeRoute(matcher: PathMatcher, p: IngressPath, backend: Backend, ann: IngressAnnotations, createdMs: number): Route {
  const path = matcher.path;
  return {
    matcher,
    backend,
    rewriteTarget: ann.rewriteTarget,
    rewriteRegex: ann.rewriteTarget !== undefined ? rewriteRegexFor(p) : undefined,
    policy: backend.policy,
    length: path.length,
    typeRank: p.pathType === 'Exact' ? 0 : 1,
    createdMs,
  };
}

/** The regex whose captures feed rewrite-target ($1…): ingress-nginx's `~*` location regex. */
function rewriteRegexFor(p: IngressPath): RegExp {
  const path = p.path || '/';
  const body = p.pathType === 'ImplementationSpecific' ? path : escapeRegex(path);
  return new RegExp(`^${body}${p.pathType === 'Exact' ? '$' : ''}`, 'i');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileMatcher(p: IngressPath, regexMode: boolean): PathMatcher {
  const path = p.path === '' && p.pathType === 'ImplementationSpecific' ? '/' : p.path;
  if (p.pathType === 'ImplementationSpecific' && regexMode) {
    if (!regexPathPattern.test(path)) throw new IngressRejected('InvalidPath', `regex path ${JSON.stringify(path.slice(0, 80))} is not allowed`);
    try {
      return { kind: 'regex', regex: new RegExp(`^${path}`, 'i'), path };
    } catch {
      throw new IngressRejected('InvalidPath', `path ${JSON.stringify(path.slice(0, 80))} is not a valid regular expression`);
    }
  }
  if (!pathPattern.test(path)) throw new IngressRejected('InvalidPath', `path ${JSON.stringify(path.slice(0, 80))} must start with / and hold only URL path characters`);
  if (p.pathType === 'Exact') return { kind: 'exact', path };
  if (p.pathType === 'Prefix') return { kind: 'prefix', base: path.replace(/\/+$/, ''), path };
  return { kind: 'string-prefix', path };
}

/** Resolves Service ports to ready endpoint addresses, sharing Backends between routes. */
class BackendResolver {
  readonly #services: Map<string, ClusterState['services'][number]>;
  readonly #slices = new Map<string, ClusterState['slices']>();
  readonly #cache = new Map<string, Backend>();
  readonly #endpointCache = new Map<string, readonly Endpoint[]>();
  readonly #missingByKey = new Map<string, string>();
  #missing: string[] = [];

  constructor(state: ClusterState) {
    this.#services = new Map(state.services.map((s) => [`${s.namespace}/${s.name}`, s]));
    for (const sl of state.slices) {
      const k = `${sl.namespace}/${sl.service}`;
      const list = this.#slices.get(k);
      if (list) list.push(sl);
      else this.#slices.set(k, [sl]);
    }
  }

  takeMissing(): string[] {
    const m = this.#missing;
    this.#missing = [];
    return m;
  }

  resolve(ing: IngressInfo, ref: BackendRef, ann: IngressAnnotations, access: AccessParts | undefined, routePath: string): Backend {
    const ingress = `${ing.namespace}/${ing.name}`;
    // An affinity cookie without session-cookie-path carries the route's path: one Backend per path.
    const perPath = ann.lb.kind === 'cookie' && ann.lb.cookie.path === undefined;
    const cacheKey = `${ingress}|${ref.service}:${ref.port}${perPath ? `|${routePath}` : ''}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    const svcKey = `${ing.namespace}/${ref.service}`;
    const id = `${svcKey}:${ref.port}`;
    const endpoints = this.#endpoints(svcKey, ref);
    const backend: Backend = { id, ingress, service: svcKey, endpoints, options: ann.options, balancer: makeBalancer(ann.lb, id, endpoints, routePath), policy: null };
    backend.policy = makePolicy(access, backend, undefined);
    this.#cache.set(cacheKey, backend);
    return backend;
  }

  /** Endpoint lists are shared by every backend of the same Service port (10k routes, few lists). */
  #endpoints(svcKey: string, ref: BackendRef): readonly Endpoint[] {
    const key = `${svcKey}:${ref.port}`;
    let eps = this.#endpointCache.get(key);
    if (!eps) this.#endpointCache.set(key, (eps = this.#computeEndpoints(svcKey, ref)));
    const missing = this.#missingByKey.get(key);
    if (missing) this.#missing.push(missing);
    return eps;
  }

  #computeEndpoints(svcKey: string, ref: BackendRef): Endpoint[] {
    const key = `${svcKey}:${ref.port}`;
    const svc = this.#services.get(svcKey);
    if (!svc) {
      this.#missingByKey.set(key, `service ${svcKey} not found`);
      return [];
    }
    const sp = svc.ports.find((p) => (typeof ref.port === 'number' ? p.port === ref.port : p.name === ref.port));
    if (!sp) {
      this.#missingByKey.set(key, `service ${svcKey} has no port ${ref.port}`);
      return [];
    }
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
    return out;
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
function byPrecedence(a: Route, b: Route): number {
  return b.length - a.length || a.typeRank - b.typeRank || a.createdMs - b.createdMs;
}
