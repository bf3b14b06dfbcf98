/**
 * Internal types of the ingress controller. API objects are converted into these at the edge
 * (from-api.ts); compile.ts turns them into a RouteTable that the data plane reads without
 * touching any API shape.
 */
import type { Balancer } from './balancing/balancer.js';
import type { RoutePolicy } from './policies/policy.js';

/** A backend reference as written in an Ingress: a Service in the Ingress's namespace. */
export interface BackendRef {
  service: string;
  /** Port by number or by name (the Service port's name). */
  port: number | string;
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface IngressPath {
  path: string;
  pathType: PathType;
  backend: BackendRef | undefined;
}

export interface IngressRule {
  /** '' = every host. */
  host: string;
  paths: IngressPath[];
}

export interface IngressTls {
  hosts: string[];
  secretName: string;
}

export interface IngressInfo {
  namespace: string;
  name: string;
  uid: string;
  /** Milliseconds since the epoch; orders Ingresses on conflicts (oldest wins). */
  createdMs: number;
  className: string | undefined;
  legacyClass: string | undefined;
  annotations: Readonly<Record<string, string>>;
  defaultBackend: BackendRef | undefined;
  rules: IngressRule[];
  tls: IngressTls[];
}

export interface IngressClassInfo {
  name: string;
  controller: string;
  isDefault: boolean;
}

export interface ServicePortInfo {
  name: string;
  port: number;
  targetPort: number | string;
  protocol: string;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  ports: ServicePortInfo[];
}

export interface SliceEndpoint {
  addresses: string[];
  ready: boolean;
}

export interface SliceInfo {
  namespace: string;
  name: string;
  service: string;
  ports: { name: string; port: number; protocol: string }[];
  endpoints: SliceEndpoint[];
}

export interface SecretInfo {
  namespace: string;
  name: string;
  cert: string;
  key: string;
}

/** A Secret with an `auth` key (htpasswd lines), referenced by `auth-secret`. */
export interface AuthSecretInfo {
  namespace: string;
  name: string;
  auth: string;
}

/** Everything compile() reads. */
export interface ClusterState {
  ingresses: IngressInfo[];
  classes: IngressClassInfo[];
  services: ServiceInfo[];
  slices: SliceInfo[];
  secrets: SecretInfo[];
  /** Secrets holding htpasswd data (`auth` key); absent when nothing reads them (tests). */
  authSecrets?: AuthSecretInfo[];
}

// ---- Compiled form (immutable once built) ----

export interface Endpoint {
  host: string;
  port: number;
  /** "host:port" — the upstream pool key. */
  key: string;
}

/** Per-backend settings that come from annotations. */
export interface BackendOptions {
  /** GRPC/GRPCS: HTTP/2 upstream (h2c / TLS), for HTTP/2 clients. */
  protocol: 'HTTP' | 'HTTPS' | 'GRPC' | 'GRPCS';
  /** Bytes; 0 = unlimited. */
  maxBodyBytes: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  sendTimeoutMs: number;
  sslRedirect: boolean;
  forceSslRedirect: boolean;
}

export interface Backend {
  /** "namespace/service:port", used in metrics and logs. */
  id: string;
  ingress: string;
  service: string;
  endpoints: readonly Endpoint[];
  options: BackendOptions;
  /**
   * Endpoint choice from load-balance/upstream-hash-by/affinity annotations; null = the data
   * plane's plain round robin (no annotation: nothing extra on the hot path).
   */
  balancer: Balancer | null;
  /** The Ingress's access policies (CORS, source ranges, rate limit, auth); null when it has none. */
  policy: RoutePolicy | null;
}

export type PathMatcher =
  | { kind: 'exact'; path: string }
  /** Element-wise prefix: `base` is the path without trailing slashes ('' for '/'). */
  | { kind: 'prefix'; base: string; path: string }
  | { kind: 'string-prefix'; path: string }
  | { kind: 'regex'; regex: RegExp; path: string };

export interface Route {
  matcher: PathMatcher;
  backend: Backend;
  /** Upstream path template with $1..$9 from the regex, when rewrite-target is set. */
  rewriteTarget: string | undefined;
  /** Matched against the request path to fill $1..$9 of rewriteTarget. */
  rewriteRegex: RegExp | undefined;
  /** backend.policy plus the route's canary, if a canary Ingress attached to it; null = none. */
  policy: RoutePolicy | null;
  /** Path length used for precedence (longest first). */
  length: number;
  /** Order key: Exact 0 before Prefix/other 1 on equal length. */
  typeRank: number;
  createdMs: number;
}

export interface HostRoutes {
  /** Sorted by precedence; the first match wins. */
  routes: Route[];
  /** The host's TLS section names it (→ redirect to HTTPS unless ssl-redirect is false). */
  tls: boolean;
  /** defaultBackend of the (oldest) Ingress that owns this host, if any. */
  fallback: Backend | undefined;
}

export interface TlsCert {
  /** Secret key "namespace/name". */
  id: string;
  cert: string;
  key: string;
}

export interface RouteTable {
  /** Exact host → routes. */
  exact: ReadonlyMap<string, HostRoutes>;
  /** Wildcard suffix ("foo.com" for "*.foo.com") → routes. */
  wildcard: ReadonlyMap<string, HostRoutes>;
  /** Rules without a host. */
  anyHost: HostRoutes | undefined;
  /** The cluster-wide default backend (oldest Ingress with only defaultBackend, or any). */
  defaultBackend: Backend | undefined;
  /** TLS host (exact or "*.suffix") → certificate. */
  certs: ReadonlyMap<string, TlsCert>;
  /** Backends reachable only through a route's policy (canaries), so their pools are kept. */
  canaryBackends: readonly Backend[];
  /** Ingresses this controller serves ("namespace/name"). */
  served: ReadonlySet<string>;
  routeCount: number;
}

export interface CompileProblem {
  ingress: { namespace: string; name: string; uid: string };
  reason: string;
  message: string;
}

export const defaultBackendOptions: BackendOptions = {
  protocol: 'HTTP',
  maxBodyBytes: 1024 * 1024,
  connectTimeoutMs: 5000,
  readTimeoutMs: 60000,
  sendTimeoutMs: 60000,
  sslRedirect: true,
  forceSslRedirect: false,
};
