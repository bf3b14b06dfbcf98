/**
 * compileIngress: one Ingress → its routes, hosts and default backend (an IngressUnit), reading
 * nothing but the Ingress, the endpoints of the Services it names and the auth Secrets. Units do
 * not depend on each other: conflicts between Ingresses (oldest wins), TLS, canaries are settled
 * afterwards by assembleTable (compile.ts), so a change to one Ingress or one Service recompiles
 * only the units that read it (incremental.ts).
 */
import { parseAnnotations, type IngressAnnotations } from './annotations.js';
import { makeBalancer } from './balancing/make-balancer.js';
import type { EndpointIndex } from './endpoints.js';
import type { AuthSecretInfo, Backend, BackendRef, IngressInfo, IngressPath, PathMatcher, Route } from './model.js';
import { buildAccess, makePolicy, type AccessParts } from './policies/build.js';
import type { CanaryConfig } from './policies/canary-config.js';

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

export interface UnitProblem {
  reason: string;
  message: string;
}

export interface CompiledIngress {
  routes: { host: string; route: Route }[];
  hosts: string[];
  defaultBackend: Backend | undefined;
}

/** One Ingress compiled on its own. Immutable once built (assembly copies what it changes). */
export interface IngressUnit {
  ing: IngressInfo;
  /** Annotation, access and backend problems, in the order they were found. */
  problems: UnitProblem[];
  /** undefined: the Ingress was rejected (the reason is the last problem). */
  compiled: CompiledIngress | undefined;
  /** The access part shared by its routes (undefined for canaries and Ingresses without one). */
  access: AccessParts | undefined;
  canary: CanaryConfig | undefined;
  /** "ns/svc" of every Service it names: a change to one of them recompiles this unit. */
  services: string[];
  /** It reads auth Secrets (auth-type basic). */
  readsAuthSecrets: boolean;
}

export interface UnitContext {
  endpoints: EndpointIndex;
  authSecrets: ReadonlyMap<string, AuthSecretInfo>;
}

export function compileIngress(ing: IngressInfo, ctx: UnitContext): IngressUnit {
  const problems: UnitProblem[] = [];
  const report = (reason: string, message: string) => problems.push({ reason, message });
  const ann = parseAnnotations(ing.annotations);
  for (const p of ann.problems) report('InvalidAnnotation', p);
  // A canary's own access annotations are not used: it inherits the main Ingress's.
  const access = ann.canary ? undefined : buildAccess(ann.access, { namespace: ing.namespace, name: ing.name, authSecrets: ctx.authSecrets, report });
  const unit: IngressUnit = { ing, problems, compiled: undefined, access, canary: ann.canary, services: servicesOf(ing), readsAuthSecrets: ann.access.basicAuth !== undefined };
  const backends = new BackendResolver(ing, ann, access, ctx.endpoints);
  try {
    unit.compiled = compileRules(ing, ann, backends);
  } catch (err) {
    if (!(err instanceof IngressRejected)) throw err;
    report(err.reason, err.message);
    return unit;
  }
  for (const m of backends.missing) report('BackendNotFound', m);
  return unit;
}

function servicesOf(ing: IngressInfo): string[] {
  const out = new Set<string>();
  if (ing.defaultBackend) out.add(`${ing.namespace}/${ing.defaultBackend.service}`);
  for (const r of ing.rules) for (const p of r.paths) if (p.backend) out.add(`${ing.namespace}/${p.backend.service}`);
  return [...out];
}

function compileRules(ing: IngressInfo, ann: IngressAnnotations, backends: BackendResolver): CompiledIngress {
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
      const backend = backends.resolve(p.backend, matcher.kind === 'regex' ? '/' : matcher.path);
      routes.push({ host: rule.host, route: makeRoute(matcher, p, backend, ann, ing.createdMs) });
    }
  }
  const defaultBackend = ing.defaultBackend ? backends.resolve(ing.defaultBackend, '/') : undefined;
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

/** The Backends of one Ingress: one per Service port (per path with path-scoped affinity cookies). */
class BackendResolver {
  readonly #cache = new Map<string, Backend>();
  readonly missing: string[] = [];

  constructor(
    readonly ing: IngressInfo,
    readonly ann: IngressAnnotations,
    readonly access: AccessParts | undefined,
    readonly endpoints: EndpointIndex,
  ) {}

  resolve(ref: BackendRef, routePath: string): Backend {
    const { ing, ann } = this;
    // An affinity cookie without session-cookie-path carries the route's path: one Backend per path.
    const perPath = ann.lb.kind === 'cookie' && ann.lb.cookie.path === undefined;
    const cacheKey = `${ref.service}:${ref.port}${perPath ? `|${routePath}` : ''}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) return cached;
    const svcKey = `${ing.namespace}/${ref.service}`;
    const id = `${svcKey}:${ref.port}`;
    const { endpoints, missing } = this.endpoints.resolve(svcKey, ref);
    if (missing) this.missing.push(missing);
    const backend: Backend = { id, ingress: `${ing.namespace}/${ing.name}`, service: svcKey, endpoints, options: ann.options, balancer: makeBalancer(ann.lb, id, endpoints, routePath), policy: null };
    backend.policy = makePolicy(this.access, backend, undefined);
    this.#cache.set(cacheKey, backend);
    return backend;
  }
}
