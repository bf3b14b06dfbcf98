/** Ingress conformance scenarios and the reference's testable facts, through the real curl. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { closeAll, curl, curlStatus, serviceOf, startHarness, stateOf, type Harness } from './testing/harness.js';
import { ingress, path } from './testing/state.js';
import { setLogSink } from '../common/log.js';

let h: Harness;
const backends: EchoBackend[] = [];
const svc: Record<string, EchoBackend[]> = {};

before(async () => {
  setLogSink(() => {});
  for (const name of ['echo-service', 'foo-bar-com', 'wildcard-foo-com', 'exact', 'prefix', 'rw']) {
    const b = await startEchoBackend(name);
    backends.push(b);
    svc[name] = [b];
  }
  svc.scaled = [];
  for (let i = 0; i < 10; i++) {
    const b = await startEchoBackend('scaled', `scaled-${i}`);
    backends.push(b);
    svc.scaled.push(b);
  }
  h = await startHarness();
});

after(async () => {
  await h.close();
  await closeAll(backends);
});

const svcs = () => Object.entries(svc).map(([name, bs]) => serviceOf(name, bs));
const echo = (body: string) => JSON.parse(body) as { service: string; pod: string; method: string; path: string; host: string; proto: string; headers: Record<string, string> };

test('no Ingress: every request is 404 from the controller (walkthrough §7.1)', async () => {
  h.apply(stateOf({ svcs: svcs() }));
  const [status, body] = await curlStatus(['-H', 'Host: web01', h.http + '/']);
  assert.equal(status, 404);
  assert.match(body, /404 Not Found/);
});

test('default_backend.feature: every method, host and path reaches echo-service unchanged', async () => {
  h.apply(stateOf({ svcs: svcs(), ingresses: [ingress('default-backend', { defaultBackend: { service: 'echo-service', port: 80 } })] }));
  const cases: [string, string, string][] = [
    ['GET', 'my-host', '/'],
    ['GET', 'my-host', '/sub-path'],
    ['POST', 'some-host', '/'],
    ['PUT', '', '/resource'],
    ['DELETE', 'some-host', '/resource'],
    ['PATCH', 'my-host', '/resource'],
  ];
  for (const [method, host, p] of cases) {
    const r = await curl(['-i', '-X', method, '-A', 'Go-http-client/1.1', ...(host ? ['-H', `Host: ${host}`] : []), h.http + p]);
    const [head, body] = r.stdout.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 200 /, `${method} ${host} ${p}`);
    for (const hname of ['Content-Length', 'Content-Type', 'Date', 'Server']) assert.match(head, new RegExp(`^${hname}:`, 'mi'));
    const e = echo(body);
    assert.deepEqual([e.service, e.method, e.path, e.proto, e.headers['user-agent']], ['echo-service', method, p, 'HTTP/1.1', 'Go-http-client/1.1']);
  }
});

test('host_rules.feature + fact 2: exact and one-label wildcard hosts, port ignored', async () => {
  h.apply(
    stateOf({
      svcs: svcs(),
      ingresses: [ingress('host-rules', { rules: [{ host: '*.foo.com', paths: [path('/', 'Prefix', 'wildcard-foo-com', 80)] }, { host: 'foo.bar.com', paths: [path('/', 'Prefix', 'foo-bar-com', 'http')] }] })],
    }),
  );
  const cases: [string, number, string | undefined][] = [
    ['foo.bar.com', 200, 'foo-bar-com'],
    ['foo.bar.com:8080', 200, 'foo-bar-com'],
    ['subdomain.bar.com', 404, undefined],
    ['bar.foo.com', 200, 'wildcard-foo-com'],
    ['baz.bar.foo.com', 404, undefined],
    ['foo.com', 404, undefined],
  ];
  for (const [host, status, service] of cases) {
    const [s, body] = await curlStatus(['-H', `Host: ${host}`, h.http + '/']);
    assert.equal(s, status, host);
    if (service) {
      assert.equal(echo(body).service, service);
      assert.equal(echo(body).host, host);
    }
  }
});

test('path types over HTTP: Exact vs Prefix, query ignored, element-wise prefix (facts 5-8)', async () => {
  h.apply(stateOf({ svcs: svcs(), ingresses: [ingress('paths', { host: 'p.com', paths: [path('/foo', 'Exact', 'exact'), path('/foo', 'Prefix', 'prefix')] })] }));
  const cases: [string, string][] = [
    ['/foo', 'exact'],
    ['/foo?x=1', 'exact'],
    ['/foo/', 'prefix'],
    ['/foo/bar', 'prefix'],
    ['/foobar', '404'],
    ['/FOO', '404'],
  ];
  for (const [p, want] of cases) {
    const [s, body] = await curlStatus(['-H', 'Host: p.com', h.http + p]);
    assert.equal(s === 404 ? '404' : echo(body).service, want, p);
  }
});

test('load_balancing.feature: 100 requests reach all 10 endpoints (fact 15)', async () => {
  h.apply(stateOf({ svcs: svcs(), ingresses: [ingress('lb', { defaultBackend: { service: 'scaled', port: 80 } })] }));
  const urls = Array.from({ length: 100 }, () => h.http + '/');
  const r = await curl(['-H', 'Host: any', ...urls]);
  const pods = new Set([...r.stdout.matchAll(/"pod":"([^"]+)"/g)].map((m) => m[1]));
  assert.equal(pods.size, 10);
});

test('upstream sees X-Forwarded-*, X-Real-IP and X-Request-ID; a client XFF is replaced (fact 39)', async () => {
  h.apply(stateOf({ svcs: svcs(), ingresses: [ingress('hdr', { defaultBackend: { service: 'echo-service', port: 80 } })] }));
  const [, body] = await curlStatus(['-H', 'Host: h.example', '-H', 'X-Forwarded-For: 6.6.6.6', '-H', 'Proxy: evil', h.http + '/x']);
  const hd = echo(body).headers;
  assert.equal(hd['x-forwarded-for'], '127.0.0.1');
  assert.equal(hd['x-real-ip'], '127.0.0.1');
  assert.equal(hd['x-forwarded-host'], 'h.example');
  assert.equal(hd['x-forwarded-proto'], 'http');
  assert.equal(hd['x-forwarded-port'], String(h.dp.httpPort));
  assert.equal(hd['x-original-forwarded-for'], '6.6.6.6');
  assert.match(hd['x-request-id'], /^[0-9a-f]{32}$/);
  assert.equal(hd.proxy, undefined);
});

test('rewrite-target with capture groups (fact 33) and the walkthrough fan-out', async () => {
  h.apply(
    stateOf({
      svcs: svcs(),
      ingresses: [
        ingress('rw', { host: 'r.com', annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' }, paths: [path('/something(/|$)(.*)', 'ImplementationSpecific', 'rw')] }),
        ingress('fanout', { host: 'foo.bar.com', annotations: { 'ingress.kubernetes.io/rewrite-target': '/' }, paths: [path('/foo', 'ImplementationSpecific', 'exact'), path('/bar', 'ImplementationSpecific', 'prefix')] }),
      ],
    }),
  );
  for (const [host, p, service, upstream] of [
    ['r.com', '/something/new?q=1', 'rw', '/new?q=1'],
    ['r.com', '/something', 'rw', '/'],
    ['foo.bar.com', '/foo/deep', 'exact', '/'],
    ['foo.bar.com', '/bar', 'prefix', '/'],
  ]) {
    const [, body] = await curlStatus(['-H', `Host: ${host}`, h.http + p]);
    assert.deepEqual([echo(body).service, echo(body).path], [service, upstream], p);
  }
});

test('proxy-body-size: 2 MiB over the 1m default → 413; raised limit passes the body intact (fact 32)', async (t) => {
  h.apply(
    stateOf({
      svcs: svcs(),
      ingresses: [
        ingress('small', { host: 'small.com', paths: [path('/', 'Prefix', 'echo-service')] }),
        ingress('big', { host: 'big.com', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' }, paths: [path('/', 'Prefix', 'echo-service')] }),
      ],
    }),
  );
  const big = Buffer.alloc(2 * 1024 * 1024, 97);
  const { writeFileSync, rmSync } = await import('node:fs');
  const file = `/tmp/svcnet-ingress-body-${process.pid}`;
  writeFileSync(file, big);
  t.after(() => rmSync(file, { force: true }));
  const [s1] = await curlStatus(['-H', 'Host: small.com', '--data-binary', `@${file}`, h.http + '/up']);
  assert.equal(s1, 413);
  const [s2, body] = await curlStatus(['-H', 'Host: big.com', '--data-binary', `@${file}`, h.http + '/up']);
  assert.equal(s2, 200);
  assert.equal((JSON.parse(body) as { bodySize: number }).bodySize, big.length);
  const [s3, body3] = await curlStatus(['-H', 'Host: big.com', '-H', 'Transfer-Encoding: chunked', '--data-binary', `@${file}`, h.http + '/up']);
  assert.equal(s3, 200);
  assert.equal((JSON.parse(body3) as { bodySize: number }).bodySize, big.length);
  const [s4] = await curlStatus(['-H', 'Host: small.com', '-H', 'Transfer-Encoding: chunked', '--data-binary', `@${file}`, h.http + '/up']);
  assert.equal(s4, 413);
});

test('a Service with no ready endpoints answers 503; an unknown class is never served (fact 13)', async () => {
  h.apply(
    stateOf({
      svcs: svcs(),
      services: [{ namespace: 'default', name: 'empty', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] }],
      ingresses: [ingress('empty', { host: 'e.com', paths: [path('/', 'Prefix', 'empty')] }), ingress('bad-class', { host: 'c.com', className: 'some-invalid-class-name', paths: [path('/', 'Prefix', 'echo-service')] })],
    }),
  );
  assert.equal((await curlStatus(['-H', 'Host: e.com', h.http + '/']))[0], 503);
  assert.equal((await curlStatus(['-H', 'Host: c.com', h.http + '/']))[0], 404);
});
