import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRoutes } from './compile.js';
import { classPolicy } from './class-selection.js';
import { matchRequest, normalizeHost, normalizePath, rewritePath } from './router/match.js';
import type { ClusterState, IngressInfo } from './model.js';
import { backend, emptyState, ingress, path, serviceWithEndpoints, withServices } from './testing/state.js';

const svcNames = ['a', 'b', 'e', 'p', 'x', 'y', 'z', 'f', 'root', 'foo', 'def', 'old', 'new', 's1', 's2'];
function stateWith(...ings: IngressInfo[]): ClusterState {
  let s = emptyState();
  svcNames.forEach((n, i) => (s = withServices(s, serviceWithEndpoints(n, [`10.0.0.${i + 1}`]))));
  return { ...s, ingresses: ings };
}

/** Which service a request reaches ('404' when none). */
function routeOf(state: ClusterState, host: string, p: string): string {
  const { table } = compileRoutes(state, classPolicy());
  const m = matchRequest(table, normalizeHost(host), p.split('?')[0]);
  return m ? m.backend.service.split('/')[1] : '404';
}

test('hosts: exact, one-label wildcard, port ignored (reference fact 2)', () => {
  const s = stateWith(ingress('i1', { rules: [{ host: 'foo.bar.com', paths: [path('/', 'Prefix', 'a')] }, { host: '*.foo.com', paths: [path('/', 'Prefix', 'b')] }] }));
  const cases: [string, string][] = [
    ['foo.bar.com', 'a'],
    ['bar.foo.com', 'b'],
    ['baz.bar.foo.com', '404'],
    ['foo.com', '404'],
    ['subdomain.bar.com', '404'],
    ['foo.bar.com:8080', 'a'],
    ['FOO.Bar.com', 'a'],
  ];
  for (const [host, want] of cases) assert.equal(routeOf(s, host, '/'), want, host);
});

test('path types and precedence (reference facts 5-11, Kubernetes docs table)', () => {
  const cases: { paths: ReturnType<typeof path>[]; req: [string, string][] }[] = [
    { paths: [path('/foo', 'Exact', 'e')], req: [['/foo', 'e'], ['/foo/', '404'], ['/FOO', '404'], ['/bar', '404'], ['/foo?x=1', 'e']] },
    { paths: [path('/foo', 'Prefix', 'p')], req: [['/foo', 'p'], ['/foo/', 'p'], ['/foo/bar', 'p'], ['/foobar', '404'], ['/FOO', '404']] },
    { paths: [path('/aaa/bbb', 'Prefix', 'x'), path('/aaa', 'Prefix', 'y')], req: [['/aaa/bbb', 'x'], ['/aaa/bbb/ccc', 'x'], ['/aaa/ccc', 'y'], ['/aaaccc', '404'], ['/aaa/bbbxyz', 'y']] },
    { paths: [path('/foo', 'Prefix', 'p'), path('/foo', 'Exact', 'e')], req: [['/foo', 'e'], ['/foo/', 'p']] },
    { paths: [path('/aaa/bbb/', 'Prefix', 'z'), path('/foo/', 'Exact', 'f')], req: [['/aaa/bbb', 'z'], ['/aaa/bbb/', 'z'], ['/foo', '404'], ['/foo/', 'f']] },
    { paths: [path('/', 'Prefix', 'root'), path('/aaa', 'Prefix', 'a'), path('/aaa/bbb', 'Prefix', 'b')], req: [['/ccc', 'root'], ['/aaa/bbb', 'b'], ['/aaa/ccc', 'a']] },
    { paths: [path('/', 'Prefix', 'root'), path('/foo/', 'Prefix', 'foo')], req: [['/foo', 'foo'], ['/', 'root']] },
    { paths: [path('/foo', 'ImplementationSpecific', 'foo')], req: [['/foobar', 'foo'], ['/FOO', '404']] },
  ];
  for (const c of cases) {
    const s = stateWith(ingress('i', { host: 'h.com', paths: c.paths }));
    for (const [p, want] of c.req) assert.equal(routeOf(s, 'h.com', p), want, `${c.paths.map((x) => `${x.pathType} ${x.path}`).join(', ')} ← ${p}`);
  }
});

test('the oldest Ingress wins on the same host+path (fact 12)', () => {
  const older = ingress('old', { host: 'h.com', paths: [path('/', 'Prefix', 'old')], createdMs: 1 });
  const newer = ingress('new', { host: 'h.com', paths: [path('/', 'Prefix', 'new')], createdMs: 2 });
  assert.equal(routeOf(stateWith(newer, older), 'h.com', '/x'), 'old');
});

test('defaultBackend serves every host and path; no Ingress → 404 (fact 1)', () => {
  const s = stateWith(ingress('d', { defaultBackend: backend('def') }));
  assert.equal(routeOf(s, 'my-host', '/sub-path'), 'def');
  assert.equal(routeOf(s, '', '/'), 'def');
  assert.equal(routeOf(stateWith(), 'x', '/'), '404');
});

test('class selection: ours, nginx, legacy annotation, no class, default class; unknown refused (facts 13-14)', () => {
  const base = stateWith();
  base.classes = [
    { name: 'svcnet', controller: 'svcnet.io/ingress', isDefault: true },
    { name: 'other', controller: 'example.com/other', isDefault: false },
    { name: 'mine', controller: 'svcnet.io/ingress', isDefault: false },
  ];
  const mk = (name: string, extra: Partial<IngressInfo>) => ingress(name, { host: `${name}.com`, paths: [path('/', 'Prefix', 'a')], ...extra });
  const s = {
    ...base,
    ingresses: [
      mk('byname', { className: 'svcnet' }),
      mk('nginx', { className: 'nginx' }),
      mk('mine', { className: 'mine' }),
      mk('legacy', { legacyClass: 'nginx' }),
      mk('none', {}),
      mk('other', { className: 'other' }),
      mk('invalid', { className: 'some-invalid-class-name' }),
      mk('legacyother', { legacyClass: 'traefik' }),
    ],
  };
  const { table } = compileRoutes(s, classPolicy());
  assert.deepEqual([...table.served].sort(), ['default/byname', 'default/legacy', 'default/mine', 'default/nginx', 'default/none']);
  assert.equal(routeOf(s, 'invalid.com', '/'), '404');
  const narrowed = compileRoutes(s, classPolicy('mine'));
  assert.ok(!narrowed.table.served.has('default/nginx'));
  assert.ok(narrowed.table.served.has('default/mine'));
});

test('backends resolve to ready endpoint addresses by port number or name (fact 16)', () => {
  let s = withServices(emptyState(), serviceWithEndpoints('web', ['10.1.0.1', '10.1.0.2'], { notReady: ['10.1.0.3'], port: 80, targetPort: 8080 }));
  s = { ...s, ingresses: [ingress('byname', { host: 'n.com', paths: [path('/', 'Prefix', 'web', 'http')] }), ingress('bynum', { host: 'm.com', paths: [path('/', 'Prefix', 'web', 80)] })] };
  const { table } = compileRoutes(s, classPolicy());
  for (const h of ['n.com', 'm.com']) {
    const m = matchRequest(table, h, '/')!;
    assert.deepEqual(m.backend.endpoints.map((e) => e.key), ['10.1.0.1:8080', '10.1.0.2:8080']);
  }
});

test('a missing Service leaves the route with no endpoints and a problem; a bad Ingress is skipped alone', () => {
  const s = stateWith(
    ingress('good', { host: 'g.com', paths: [path('/', 'Prefix', 'a')] }),
    ingress('badhost', { host: 'bad_host!', paths: [path('/', 'Prefix', 'a')] }),
    ingress('badpath', { host: 'b.com', paths: [path('foo', 'Prefix', 'a')] }),
    ingress('nosvc', { host: 'n.com', paths: [path('/', 'Prefix', 'missing')] }),
  );
  const { table, problems } = compileRoutes(s, classPolicy());
  assert.equal(routeOf(s, 'g.com', '/'), 'a');
  assert.equal(routeOf(s, 'b.com', '/'), '404');
  assert.deepEqual(problems.map((p) => `${p.ingress.name}:${p.reason}`).sort(), ['badhost:InvalidHost', 'badpath:InvalidPath', 'nosvc:BackendNotFound']);
  assert.equal(matchRequest(table, 'n.com', '/')!.backend.endpoints.length, 0);
});

test('rewrite-target with capture groups and use-regex (fact 33); legacy prefix annotation', () => {
  const s = stateWith(
    ingress('rw', { host: 'r.com', annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' }, paths: [path('/something(/|$)(.*)', 'ImplementationSpecific', 'a')] }),
    ingress('fan', { host: 'foo.bar.com', annotations: { 'ingress.kubernetes.io/rewrite-target': '/' }, paths: [path('/foo', 'ImplementationSpecific', 's1'), path('/bar', 'ImplementationSpecific', 's2')] }),
  );
  const { table } = compileRoutes(s, classPolicy());
  const up = (host: string, p: string, q = '') => {
    const m = matchRequest(table, host, p)!;
    return `${m.backend.service.split('/')[1]} ${rewritePath(m.route!, p, q)}`;
  };
  assert.equal(up('r.com', '/something/new'), 'a /new');
  assert.equal(up('r.com', '/something'), 'a /');
  assert.equal(up('r.com', '/something/'), 'a /');
  assert.equal(up('foo.bar.com', '/foo/x', 'q=1'), 's1 /?q=1');
  assert.equal(up('foo.bar.com', '/BAR'), 's2 /');
});

test('annotations are parsed strictly: bad values ignored with a problem, defaults kept', () => {
  const s = stateWith(
    ingress('ann', {
      host: 'a.com',
      annotations: {
        'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '5',
        'nginx.ingress.kubernetes.io/rewrite-target': '/x; ssl_engine evil.so',
        'nginx.ingress.kubernetes.io/backend-protocol': 'FCGI',
        'nginx.ingress.kubernetes.io/ssl-redirect': 'yes',
      },
      paths: [path('/', 'Prefix', 'a')],
    }),
  );
  const { table, problems } = compileRoutes(s, classPolicy());
  const m = matchRequest(table, 'a.com', '/')!;
  assert.equal(m.backend.options.maxBodyBytes, 8 * 1024 * 1024);
  assert.equal(m.backend.options.readTimeoutMs, 5000);
  assert.equal(m.backend.options.protocol, 'HTTP');
  assert.equal(m.backend.options.sslRedirect, true);
  assert.equal(m.route!.rewriteTarget, undefined);
  assert.equal(problems.filter((p) => p.reason === 'InvalidAnnotation').length, 3);
});

test('TLS: certificates per host from Secrets, oldest wins, missing secret reported; hosts flagged for redirect', () => {
  const s = stateWith(
    ingress('t1', { host: 'foo.bar.com', paths: [path('/', 'Prefix', 'a')], tls: [{ hosts: ['foo.bar.com', '*.bar.com'], secretName: 'c1' }], createdMs: 1 }),
    ingress('t2', { host: 'foo.bar.com', paths: [path('/x', 'Prefix', 'b')], tls: [{ hosts: ['foo.bar.com'], secretName: 'c2' }, { hosts: ['z.com'], secretName: 'nope' }], createdMs: 2 }),
    ingress('t3', { host: 'plain.com', paths: [path('/', 'Prefix', 'a')] }),
  );
  s.secrets = [
    { namespace: 'default', name: 'c1', cert: 'C1', key: 'K1' },
    { namespace: 'default', name: 'c2', cert: 'C2', key: 'K2' },
  ];
  const { table, problems } = compileRoutes(s, classPolicy());
  assert.equal(table.certs.get('foo.bar.com')?.id, 'default/c1');
  assert.equal(table.certs.get('*.bar.com')?.id, 'default/c1');
  assert.ok(problems.some((p) => p.reason === 'SecretNotFound' && p.ingress.name === 't2'));
  assert.equal(matchRequest(table, 'foo.bar.com', '/x')!.hostTls, true);
  assert.equal(matchRequest(table, 'plain.com', '/')!.hostTls, false);
});

test('paths are normalised for matching as nginx does (decoding, //, dot segments)', () => {
  const cases: [string, string | undefined][] = [
    ['/foo/bar', '/foo/bar'],
    ['/public/../admin', '/admin'],
    ['//foo///bar', '/foo/bar'],
    ['/foo/./bar/', '/foo/bar/'],
    ['/foo/.', '/foo/'],
    ['/foo/bar/..', '/foo/'],
    ['/%66oo', '/foo'],
    ['/a/%2e%2e/b', '/b'],
    ['/..', undefined],
    ['/a/%00', undefined],
    ['/a/%zz', undefined],
    ['/', '/'],
  ];
  for (const [input, want] of cases) assert.equal(normalizePath(input), want, input);
  const s = stateWith(ingress('n', { host: 'n.com', paths: [path('/admin', 'Exact', 'a'), path('/public', 'Prefix', 'b')] }));
  const { table } = compileRoutes(s, classPolicy());
  assert.equal(matchRequest(table, 'n.com', normalizePath('/public/../admin')!)?.backend.service, 'default/a');
});
