/**
 * The incremental compiler gives what a full compile gives: random sequences of changes (Ingresses,
 * Services, EndpointSlices, IngressClasses, TLS and auth Secrets; conflicts, canaries, bad
 * Ingresses, every policy kind) are applied one at a time, and after each one the incrementally
 * compiled table and problems are compared with compileRoutes of the same state. Policies are
 * compared by their answers to probe requests (their parts are private).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { classPolicy, svcnetController } from './class-selection.js';
import { compileRoutes } from './compile.js';
import { IncrementalCompiler } from './incremental.js';
import type { AuthSecretInfo, Backend, ClusterState, HostRoutes, IngressClassInfo, IngressInfo, IngressPath, IngressRule, PathType, Route, RouteTable, SecretInfo, ServiceInfo, SliceInfo } from './model.js';
import { parseRequestHead } from './proxy/http-head.js';
import type { PolicyRequest, RoutePolicy } from './policies/policy.js';
import { seededRandom } from '../testing/seeded-random.js';


class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
}

const namespaces = ['default', 'other'];
const serviceNames = ['s0', 's1', 's2', 's3'];
const hosts = ['a.com', 'a.com', 'a.com', 'b.com', '*.w.com', 'x.w.com', '', 'Bad_Host'];
const paths = ['/', '/', '/x', '/x', '/x/', '/x/y', '/(a|b)', ''];
const pathTypes: PathType[] = ['Exact', 'Prefix', 'ImplementationSpecific'];
const a = (k: string) => `nginx.ingress.kubernetes.io/${k}`;
const annotationChoices: Record<string, string>[] = [
  { [a('rewrite-target')]: '/$1' },
  { [a('use-regex')]: 'true' },
  { [a('canary')]: 'true', [a('canary-by-header')]: 'X-Canary' },
  { [a('canary')]: 'true', [a('canary-by-header')]: 'X-Canary' },
  { [a('canary')]: 'true', [a('canary-by-header')]: 'X-Canary' },
  { [a('canary')]: 'true', [a('canary-by-header')]: 'X-Canary', [a('load-balance')]: 'ewma' },
  { [a('load-balance')]: 'ewma' },
  { [a('affinity')]: 'cookie' },
  { [a('upstream-hash-by')]: '$request_uri' },
  { [a('enable-cors')]: 'true', [a('cors-allow-origin')]: 'https://a.com' },
  { [a('auth-type')]: 'basic', [a('auth-secret')]: 'auth' },
  { [a('whitelist-source-range')]: '10.0.0.0/8' },
  { [a('limit-rps')]: '100000' },
  { [a('ssl-redirect')]: 'false' },
  { [a('proxy-body-size')]: 'lots' },
  { [a('backend-protocol')]: 'GRPC' },
];

function randomIngress(g: Gen, namespace: string, name: string): IngressInfo {
  const annotations: Record<string, string> = {};
  for (let i = g.int(3); i > 0; i--) Object.assign(annotations, g.pick(annotationChoices));
  const backendRef = () => (g.chance(0.05) ? undefined : { service: g.pick(serviceNames), port: g.pick<number | string>([80, 80, 'http', 'admin', 99]) });
  const rules: IngressRule[] = Array.from({ length: g.chance(0.1) ? 0 : 1 + g.int(2) }, () => ({
    host: g.pick(hosts),
    paths: Array.from({ length: 1 + g.int(2) }, (): IngressPath => ({ path: g.pick(paths), pathType: g.pick(pathTypes), backend: backendRef() })),
  }));
  const ruleHost = rules[0]?.host ?? 'a.com';
  return {
    namespace,
    name,
    uid: `uid-${namespace}-${name}-${g.int(1000)}`,
    createdMs: 1 + g.int(4),
    className: g.pick([undefined, undefined, 'svcnet', 'nginx', 'custom', 'elsewhere']),
    legacyClass: g.chance(0.1) ? g.pick(['nginx', 'other']) : undefined,
    annotations,
    defaultBackend: g.chance(0.25) ? backendRef() : undefined,
    rules,
    tls: g.chance(0.3) ? [{ hosts: g.chance(0.3) ? [] : [ruleHost], secretName: g.pick(['tls1', 'tls2']) }] : [],
  };
}

function randomService(g: Gen, namespace: string, name: string): ServiceInfo {
  const ports = [{ name: 'http', port: 80, targetPort: g.pick<number | string>([8080, 'web']), protocol: 'TCP' }];
  if (g.chance(0.5)) ports.push({ name: 'admin', port: 81, targetPort: 9090, protocol: 'TCP' });
  return { namespace, name, ports };
}

function randomSlice(g: Gen, namespace: string, service: string, name: string): SliceInfo {
  return {
    namespace,
    name,
    service,
    ports: g.chance(0.8) ? [{ name: g.pick(['http', 'http', 'admin']), port: g.pick([8080, 8081, 9090]), protocol: 'TCP' }] : [],
    endpoints: Array.from({ length: g.int(4) }, () => ({ addresses: [g.pick(['10.0.0.1', '10.0.0.2', '10.0.0.3', 'fd00::1'])], ready: g.chance(0.8) })),
  };
}

/** The state as the controller keeps it: maps of objects; an unchanged object stays the same object. */
class World {
  readonly ingresses = new Map<string, IngressInfo>();
  readonly classes = new Map<string, IngressClassInfo>();
  readonly services = new Map<string, ServiceInfo>();
  readonly slices = new Map<string, SliceInfo>();
  readonly secrets = new Map<string, SecretInfo>();
  readonly authSecrets = new Map<string, AuthSecretInfo>();

  constructor(readonly g: Gen) {}

  state(): ClusterState {
    return {
      ingresses: [...this.ingresses.values()],
      classes: [...this.classes.values()],
      services: [...this.services.values()],
      slices: [...this.slices.values()],
      secrets: [...this.secrets.values()],
      authSecrets: [...this.authSecrets.values()],
    };
  }

  /** One random change; returns what it did (for failure messages). */
  change(): string {
    const g = this.g;
    const ns = g.pick(namespaces);
    const op = g.int(10);
    if (op <= 2) {
      const name = `i${g.int(8)}`;
      const key = `${ns}/${name}`;
      if (this.ingresses.has(key) && g.chance(0.25)) return this.del(this.ingresses, key, 'ingress');
      this.ingresses.set(key, randomIngress(g, ns, name));
      return `set ingress ${key}`;
    }
    if (op <= 4) {
      const name = g.pick(serviceNames);
      const key = `${ns}/${name}`;
      if (this.services.has(key) && g.chance(0.2)) return this.del(this.services, key, 'service');
      this.services.set(key, randomService(g, ns, name));
      return `set service ${key}`;
    }
    if (op <= 6) {
      const svc = g.pick(serviceNames);
      const key = `${ns}/${svc}-${g.int(2)}`;
      if (this.slices.has(key) && g.chance(0.2)) return this.del(this.slices, key, 'slice');
      this.slices.set(key, randomSlice(g, ns, svc, key.split('/')[1]));
      return `set slice ${key}`;
    }
    if (op === 7) {
      if (this.classes.has('custom') && g.chance(0.4)) return this.del(this.classes, 'custom', 'class');
      this.classes.set('custom', { name: 'custom', controller: g.pick([svcnetController, 'example.com/other']), isDefault: false });
      return 'set class custom';
    }
    if (op === 8) {
      const key = `${ns}/${g.pick(['tls1', 'tls2'])}`;
      if (this.secrets.has(key) && g.chance(0.4)) return this.del(this.secrets, key, 'secret');
      const n = g.int(3);
      this.secrets.set(key, { namespace: ns, name: key.split('/')[1], cert: `cert-${n}`, key: `key-${n}` });
      return `set secret ${key}`;
    }
    const key = `${ns}/auth`;
    if (this.authSecrets.has(key) && g.chance(0.4)) return this.del(this.authSecrets, key, 'auth secret');
    const pass = g.pick(['p1', 'p2']);
    this.authSecrets.set(key, { namespace: ns, name: 'auth', auth: `user:{SHA}${createHash('sha1').update(pass).digest('base64')}\n` });
    return `set auth secret ${key} (${pass})`;
  }

  del<T>(m: Map<string, T>, key: string, what: string): string {
    m.delete(key);
    return `delete ${what} ${key}`;
  }
}

function probe(text: string, extra: Partial<PolicyRequest> = {}): PolicyRequest {
  return { head: parseRequestHead(text), remoteAddress: '10.1.2.3', proto: 'http', http2: false, ...extra };
}

const probes: PolicyRequest[] = [
  probe('GET / HTTP/1.1\r\nHost: a.com'),
  probe(`GET /x HTTP/1.1\r\nHost: a.com\r\nX-Canary: always\r\nOrigin: https://a.com\r\nAuthorization: Basic ${Buffer.from('user:p1').toString('base64')}`, { remoteAddress: '192.168.0.1', http2: true, proto: 'https' }),
  probe('OPTIONS / HTTP/1.1\r\nHost: a.com\r\nOrigin: https://a.com\r\nAccess-Control-Request-Method: GET'),
  probe(`GET / HTTP/1.1\r\nHost: a.com\r\nX-Canary: never\r\nAuthorization: Basic ${Buffer.from('user:p2').toString('base64')}`, { http2: true }),
];

function describeBackend(b: Backend | undefined): unknown {
  if (!b) return null;
  return { id: b.id, ingress: b.ingress, service: b.service, endpoints: b.endpoints.map((e) => e.key), options: b.options, balancer: b.balancer?.constructor.name ?? null, policy: describePolicy(b.policy) };
}

function describePolicy(p: RoutePolicy | null): unknown {
  if (!p) return null;
  return probes.map((req) => {
    const v = p.check(req);
    if (v.kind === 'answer') return { status: v.status, headers: v.headers, emptyBody: v.emptyBody };
    // The forwarded backend's own policy is the one being described: leave it out (no recursion).
    return { backend: v.backend.id, endpoints: v.backend.endpoints.map((e) => e.key), ingress: v.backend.ingress, balancer: v.backend.balancer?.constructor.name ?? null, headers: v.responseHeaders };
  });
}

function describeRoute(r: Route): unknown {
  const m = r.matcher;
  return { kind: m.kind, path: m.path, base: m.kind === 'prefix' ? m.base : undefined, regex: m.kind === 'regex' ? `${m.regex.source}/${m.regex.flags}` : undefined, backend: describeBackend(r.backend), rewriteTarget: r.rewriteTarget, rewriteRegex: r.rewriteRegex?.source, policy: describePolicy(r.policy), length: r.length, typeRank: r.typeRank, createdMs: r.createdMs };
}

function describeHost(h: HostRoutes | undefined): unknown {
  return h ? { routes: h.routes.map(describeRoute), tls: h.tls, fallback: describeBackend(h.fallback) } : null;
}

function describeTable(t: RouteTable): unknown {
  const sorted = <V>(m: ReadonlyMap<string, V>, f: (v: V) => unknown) => [...m.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => [k, f(v)]);
  return {
    exact: sorted(t.exact, describeHost),
    wildcard: sorted(t.wildcard, describeHost),
    anyHost: describeHost(t.anyHost),
    defaultBackend: describeBackend(t.defaultBackend),
    certs: sorted(t.certs, (c) => c),
    canaryBackends: t.canaryBackends.map(describeBackend),
    served: [...t.served].sort(),
    routeCount: t.routeCount,
  };
}

test('incremental compiles equal full compiles over random change sequences', () => {
  const sequences = 40;
  const steps = 60;
  let recompiledTotal = 0;
  let reusedSome = false;
  for (let seed = 1; seed <= sequences; seed++) {
    const g = new Gen(seededRandom(seed));
    const world = new World(g);
    for (let i = 0; i < 12; i++) world.change();
    const policy = classPolicy(seed % 5 === 0 ? 'nginx' : undefined);
    const inc = new IncrementalCompiler(policy);
    const log: string[] = [];
    for (let step = 0; step < steps; step++) {
      // Sometimes several changes between two compiles, as the controller coalesces them.
      for (let n = g.chance(0.3) ? 1 + g.int(4) : 1; n > 0; n--) log.push(world.change());
      const state = world.state();
      const got = inc.compile(state);
      const want = compileRoutes(state, policy);
      const where = `seed ${seed} step ${step}; changes: ${log.slice(-6).join('; ')}`;
      assert.deepEqual(describeTable(got.table), describeTable(want.table), where);
      assert.deepEqual(got.problems, want.problems, where);
      recompiledTotal += inc.lastRecompiled;
      if (inc.lastRecompiled < state.ingresses.length) reusedSome = true;
    }
  }
  // The comparison above means something only if units were actually reused.
  assert.ok(reusedSome, `every compile recompiled every Ingress (${recompiledTotal} units)`);
});

test('a one-Ingress change recompiles that Ingress only; a Service change only the Ingresses naming it', () => {
  const svc = (name: string): ServiceInfo => ({ namespace: 'default', name, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] });
  const ing = (i: number, service: string): IngressInfo => ({ namespace: 'default', name: `i${i}`, uid: `u${i}`, createdMs: i, className: undefined, legacyClass: undefined, annotations: {}, defaultBackend: undefined, rules: [{ host: `h${i}.com`, paths: [{ path: '/', pathType: 'Prefix', backend: { service, port: 80 } }] }], tls: [] });
  const state: ClusterState = { ingresses: Array.from({ length: 50 }, (_, i) => ing(i, i < 5 ? 'shared' : `own${i}`)), classes: [], services: [svc('shared'), ...Array.from({ length: 50 }, (_, i) => svc(`own${i}`))], slices: [], secrets: [] };
  const inc = new IncrementalCompiler(classPolicy());
  inc.compile(state);
  assert.equal(inc.lastRecompiled, 50);
  state.ingresses[20] = ing(20, 'own21');
  inc.compile(state);
  assert.equal(inc.lastRecompiled, 1);
  state.slices = [{ namespace: 'default', name: 'shared-a', service: 'shared', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.9'], ready: true }] }];
  const { table } = inc.compile(state);
  assert.equal(inc.lastRecompiled, 5);
  assert.deepEqual(table.exact.get('h3.com')?.routes[0].backend.endpoints.map((e) => e.key), ['10.0.0.9:8080']);
});
