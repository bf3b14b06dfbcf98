/**
 * Request → backend lookup over a compiled RouteTable. Host first (exact, then a one-label
 * wildcard, then host-less rules), then the first route of that host whose path matches; there is
 * no fall-through to another host, as in nginx where the server is chosen before the location.
 */
import type { Backend, HostRoutes, PathMatcher, Route, RouteTable } from '../model.js';
import type { RoutePolicy } from '../policies/policy.js';

export interface Match {
  backend: Backend;
  route: Route | undefined;
  /** The host's TLS flag, for the HTTP → HTTPS redirect. */
  hostTls: boolean;
  /** Checks to run before forwarding (policies/); null when the route has none. */
  policy: RoutePolicy | null;
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

/**
 * The path used for matching, normalised as nginx does before choosing a location: %XX decoded,
 * `//` merged, `.` and `..` segments resolved. The request still goes upstream as sent. Returns
 * undefined for paths nginx refuses (a `..` above the root, an encoded NUL, a bad escape). The
 * common path (no `%`, no `//`, no `/.`) is returned untouched without any allocation.
 */
export function normalizePath(path: string): string | undefined {
  if (path.indexOf('%') < 0 && path.indexOf('//') < 0 && path.indexOf('/.') < 0) return path;
  let decoded = path;
  if (path.indexOf('%') >= 0) {
    decoded = '';
    for (let i = 0; i < path.length; i++) {
      const c = path[i];
      if (c !== '%') {
        decoded += c;
        continue;
      }
      const hex = path.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code === 0) return undefined;
      decoded += String.fromCharCode(code);
      i += 2;
    }
  }
  const out: string[] = [];
  const parts = decoded.split('/');
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i];
    const last = i === parts.length - 1;
    if (seg === '' && !last) continue;
    if (seg === '.') {
      if (last) out.push('');
      continue;
    }
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return '/' + out.join('/');
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
      if (pathMatches(r.matcher, path)) return { backend: r.backend, route: r, hostTls: hr.tls, policy: r.policy };
    }
    if (hr.fallback) return { backend: hr.fallback, route: undefined, hostTls: hr.tls, policy: hr.fallback.policy };
    return undefined;
  }
  return table.defaultBackend ? { backend: table.defaultBackend, route: undefined, hostTls: false, policy: table.defaultBackend.policy } : undefined;
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
