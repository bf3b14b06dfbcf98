/**
 * Request → backend lookup over a compiled RouteTable. Host first (exact, then a one-label
 * wildcard, then host-less rules), then the first route of that host whose path matches; there is
 * no fall-through to another host, as in nginx where the server is chosen before the location.
 */
import type { Backend, HostRoutes, PathMatcher, Route, RouteTable } from '../model.js';

export interface Match {
  backend: Backend;
  route: Route | undefined;
  /** The host's TLS flag, for the HTTP → HTTPS redirect. */
  hostTls: boolean;
}

/** Lower-cases and drops the port and a trailing dot ("Foo.com.:8080" → "foo.com"). */
export function normalizeHost(raw: string): string {
  let h = raw;
  if (h.charCodeAt(0) === 91 /* [ */) {
    const end = h.indexOf(']');
    return (end > 0 ? h.slice(0, end + 1) : h).toLowerCase();
  }
  const colon = h.indexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h.toLowerCase();
}

export function findHost(table: RouteTable, host: string): HostRoutes | undefined {
  const exact = table.exact.get(host);
  if (exact) return exact;
  const dot = host.indexOf('.');
  // The wildcard covers exactly one label: "a.foo.com" → "foo.com"; ".foo.com" has none.
  if (dot > 0 && table.wildcard.size > 0) {
    const w = table.wildcard.get(host.slice(dot + 1));
    if (w) return w;
  }
  return table.anyHost;
}

export function pathMatches(m: PathMatcher, path: string): boolean {
  switch (m.kind) {
    case 'exact':
      return path === m.path;
    case 'prefix':
      // Element-wise: the base must be followed by '/' or the end of the path.
      return path.startsWith(m.base) && (path.length === m.base.length || path.charCodeAt(m.base.length) === 47);
    case 'string-prefix':
      return path.startsWith(m.path);
    case 'regex':
      return m.regex.test(path);
  }
}

export function matchRequest(table: RouteTable, host: string, path: string): Match | undefined {
  const hr = findHost(table, host);
  if (hr) {
    const routes = hr.routes;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i];
      if (pathMatches(r.matcher, path)) return { backend: r.backend, route: r, hostTls: hr.tls };
    }
    if (hr.fallback) return { backend: hr.fallback, route: undefined, hostTls: hr.tls };
    return undefined;
  }
  return table.defaultBackend ? { backend: table.defaultBackend, route: undefined, hostTls: false } : undefined;
}

/**
 * nginx `rewrite <regex> <target> break`: the whole path becomes the target with $1..$9 filled
 * from the regex captures; the query string is kept.
 */
export function rewritePath(route: Route, path: string, query: string): string | undefined {
  if (route.rewriteTarget === undefined || !route.rewriteRegex) return undefined;
  const m = route.rewriteRegex.exec(path);
  if (!m) return undefined;
  let out = route.rewriteTarget.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
  if (out === '') out = '/';
  return query ? `${out}${out.includes('?') ? '&' : '?'}${query}` : out;
}
