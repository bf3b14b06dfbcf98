/** Annotation parsing as typed data: allow-lists, defaults, and what gets reported. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnnotations } from './annotations.js';

const parse = (a: Record<string, string>) => parseAnnotations(Object.fromEntries(Object.entries(a).map(([k, v]) => [`nginx.ingress.kubernetes.io/${k}`, v])));

test('load balancing: affinity beats upstream-hash-by beats load-balance; only the listed variables hash', () => {
  assert.deepEqual(parse({}).lb, { kind: 'round_robin' });
  assert.deepEqual(parse({ 'load-balance': 'ewma' }).lb, { kind: 'ewma' });
  assert.deepEqual(parse({ 'load-balance': 'ewma', 'upstream-hash-by': '$http_x_session_id' }).lb, { kind: 'hash', source: { kind: 'header', lowerName: 'x-session-id' } });
  assert.equal(parse({ 'upstream-hash-by': '$request_uri', affinity: 'cookie' }).lb.kind, 'cookie');
  for (const bad of ['$host', '$request_uri$host', '$http_X-Foo', '${request_uri}', 'request_uri', '$remote_addr ']) {
    const r = parse({ 'upstream-hash-by': bad });
    if (bad === '$remote_addr ') assert.equal(r.lb.kind, 'hash', 'surrounding spaces are trimmed');
    else assert.equal(r.problems.length, 1, bad);
  }
  assert.equal(parse({ 'load-balance': 'least_conn' }).problems.length, 1);
  assert.equal(parse({ affinity: 'ip' }).problems.length, 1);
});

test('cookie affinity options are bounded', () => {
  const r = parse({ affinity: 'cookie', 'session-cookie-max-age': '99999999999', 'session-cookie-expires': '-1', 'affinity-mode': 'sticky', 'session-cookie-secure': 'yes', 'session-cookie-domain': 'a.com; Path=/x' });
  assert.equal(r.problems.length, 5);
  assert.deepEqual(r.lb, { kind: 'cookie', cookie: { name: 'INGRESSCOOKIE', path: undefined, maxAgeSeconds: undefined, expiresSeconds: undefined, sameSite: undefined, domain: undefined, secure: undefined, changeOnFailure: false, mode: 'balanced' } });
});

test('canary: read only with canary "true"; weight bounded by the total; bad patterns refused', () => {
  assert.equal(parse({ 'canary-weight': '10' }).canary, undefined);
  const c = parse({ canary: 'true', 'canary-by-header': 'X-Canary', 'canary-weight': '150' });
  assert.equal(c.canary?.header, 'x-canary');
  assert.equal(c.canary?.weight, 100);
  assert.equal(c.problems.length, 1, 'weight above the total is reported');
  const bad = parse({ canary: 'true', 'canary-by-header-pattern': '(unclosed', 'canary-by-header': 'X Y', 'canary-by-cookie': 'a;b', 'canary-weight': '-5' });
  assert.equal(bad.problems.length, 4);
  assert.equal(parse({ canary: 'true', 'canary-weight-total': '1000', 'canary-weight': '250' }).canary?.weight, 250);
});

test('access: source ranges all-or-nothing, CORS lists, limits, basic auth', () => {
  assert.equal(parse({ 'whitelist-source-range': '10.0.0.0/24,fd00::/8, 192.168.1.5' }).access.allowRanges?.length, 3);
  for (const bad of ['10.0.0.0/33', '10.0.0.0/24;', '', 'fd00::/129', '10.0.0.0/8/8', 'example.com']) assert.equal(parse({ 'whitelist-source-range': bad }).access.allowRanges, undefined, bad);
  assert.equal(parse({ 'allowlist-source-range': '10.0.0.0/8' }).access.allowRanges?.length, 1, 'the newer alias');
  assert.equal(parse({ 'cors-allow-origin': 'https://a.com' }).access.cors, undefined, 'CORS needs enable-cors');
  assert.deepEqual(parse({ 'enable-cors': 'true', 'cors-allow-origin': 'https://a.com, http://*.b.org:8080' }).access.cors?.allowOrigin, ['https://a.com', 'http://*.b.org:8080']);
  for (const bad of ['https://a.com/path', 'a.com', 'https://*.*.com', 'javascript:alert(1)', 'https://a.com"']) assert.equal(parse({ 'enable-cors': 'true', 'cors-allow-origin': bad }).problems.length, 1, bad);
  assert.deepEqual(parse({ 'limit-rps': '5' }).access.rateLimit, { rps: 5, rpm: undefined, burstMultiplier: 5, exempt: undefined });
  assert.equal(parse({ 'limit-rps': '0' }).problems.length, 1);
  assert.equal(parse({ 'auth-type': 'digest' }).problems.length, 1, 'digest is not supported');
  assert.equal(parse({ 'auth-secret': 'x' }).problems.length, 1, 'auth-secret without auth-type');
  const auth = parse({ 'auth-type': 'basic', 'auth-secret': 'ns/../x', 'auth-realm': 'say "hi"' });
  assert.equal(auth.problems.length, 3, 'bad secret name, realm with quotes, and no usable secret');
  assert.deepEqual(parse({ 'auth-type': 'basic', 'auth-secret': 'basic-auth' }).access.basicAuth, { secret: 'basic-auth', realm: '' });
});

test('backend-protocol: GRPC and GRPCS accepted; others still refused', () => {
  assert.equal(parse({ 'backend-protocol': 'GRPC' }).options.protocol, 'GRPC');
  assert.equal(parse({ 'backend-protocol': 'GRPCS' }).options.protocol, 'GRPCS');
  assert.equal(parse({ 'backend-protocol': 'FCGI' }).problems.length, 1);
});
