/**
 * Access annotations through the real curl: whitelist-source-range (403), CORS (preflight 204 and
 * response headers), limit-rps (503 past the burst), auth-type basic (401, bcrypt/apr1/SHA).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { closeAll, curl, serviceOf, startHarness, stateOf, type Harness } from './testing/harness.js';
import { ingress, path } from './testing/state.js';
import { setLogSink } from '../common/log.js';
import type { AuthSecretInfo, IngressInfo } from './model.js';

let h: Harness;
let echo: EchoBackend;

before(async () => {
  setLogSink(() => {});
  echo = await startEchoBackend('app');
  h = await startHarness();
});

after(async () => {
  await h.close();
  await closeAll([echo]);
});

const a = (key: string) => `nginx.ingress.kubernetes.io/${key}`;
const app = (name: string, annotations: Record<string, string>, host = `${name}.com`) => ingress(name, { host, annotations, paths: [path('/', 'Prefix', 'app')] });

function apply(ingresses: IngressInfo[], authSecrets: AuthSecretInfo[] = []) {
  return h.apply({ ...stateOf({ svcs: [serviceOf('app', [echo])], ingresses }), authSecrets });
}

/** Status codes of n requests sent over one keep-alive connection. */
async function statuses(host: string, n: number): Promise<number[]> {
  const r = await curl(['-s', '-w', '\n@@%{http_code}\n', '-H', `Host: ${host}`, ...Array.from({ length: n }, () => h.http + '/')]);
  return [...r.stdout.matchAll(/^@@(\d+)$/gm)].map((m) => Number(m[1]));
}

async function request(host: string, extra: string[] = [], p = '/'): Promise<{ status: number; head: string; body: string }> {
  const r = await curl(['-si', '-H', `Host: ${host}`, ...extra, h.http + p]);
  const i = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, i);
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), head, body: r.stdout.slice(i + 4) };
}

test('whitelist-source-range: a client outside the ranges gets 403 (fact 35); inside passes; deny list wins', async () => {
  apply([app('outside', { [a('whitelist-source-range')]: '10.0.0.0/24, 192.168.1.5' }), app('inside', { [a('whitelist-source-range')]: '10.0.0.0/8,127.0.0.0/8' }), app('denied', { [a('denylist-source-range')]: '127.0.0.1/32' })]);
  assert.equal((await request('outside.com')).status, 403);
  assert.equal((await request('inside.com')).status, 200);
  assert.equal((await request('denied.com')).status, 403);
});

test('whitelist-source-range that does not parse is reported and ignored as a whole', async () => {
  const problems = apply([app('badrange', { [a('whitelist-source-range')]: '10.0.0.0/24, 300.1.1.1/8' })]);
  assert.ok(problems.some((p) => p.message.includes('whitelist-source-range')));
  assert.equal((await request('badrange.com')).status, 200);
});

test('enable-cors: preflight answered 204 by the proxy with ingress-nginx defaults; responses carry the headers', async () => {
  apply([app('cors', { [a('enable-cors')]: 'true' })]);
  const seen = echo.requests;
  const pre = await request('cors.com', ['-X', 'OPTIONS', '-H', 'Origin: https://x.example', '-H', 'Access-Control-Request-Method: PUT']);
  assert.equal(pre.status, 204);
  assert.equal(pre.body, '');
  assert.match(pre.head, /^Access-Control-Allow-Origin: \*$/m);
  assert.match(pre.head, /^Access-Control-Allow-Methods: GET, PUT, POST, DELETE, PATCH, OPTIONS$/m);
  assert.match(pre.head, /^Access-Control-Allow-Headers: DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization$/m);
  assert.match(pre.head, /^Access-Control-Allow-Credentials: true$/m);
  assert.match(pre.head, /^Access-Control-Max-Age: 1728000$/m);
  assert.match(pre.head, /^Content-Length: 0$/m);
  assert.equal(echo.requests, seen, 'the backend never saw the preflight');
  const get = await request('cors.com', ['-H', 'Origin: https://x.example']);
  assert.equal(get.status, 200);
  assert.match(get.head, /^Access-Control-Allow-Origin: \*$/m);
});

test('cors-allow-origin list with a wildcard label; other origins pass through without CORS headers', async () => {
  apply([
    app('corslist', {
      [a('enable-cors')]: 'true',
      [a('cors-allow-origin')]: 'https://app.example.com, https://*.corp.example',
      [a('cors-allow-methods')]: 'GET, post',
      [a('cors-allow-headers')]: 'X-Custom,Content-Type',
      [a('cors-allow-credentials')]: 'false',
      [a('cors-max-age')]: '600',
      [a('cors-expose-headers')]: 'X-Total',
    }),
  ]);
  const ok = await request('corslist.com', ['-X', 'OPTIONS', '-H', 'Origin: https://team.corp.example']);
  assert.equal(ok.status, 204);
  assert.match(ok.head, /^Access-Control-Allow-Origin: https:\/\/team\.corp\.example$/m);
  assert.match(ok.head, /^Access-Control-Allow-Methods: GET, POST$/m);
  assert.match(ok.head, /^Access-Control-Allow-Headers: X-Custom,Content-Type$/m);
  assert.match(ok.head, /^Access-Control-Expose-Headers: X-Total$/m);
  assert.match(ok.head, /^Access-Control-Max-Age: 600$/m);
  assert.doesNotMatch(ok.head, /Allow-Credentials/);
  const get = await request('corslist.com', ['-H', 'Origin: https://app.example.com']);
  assert.match(get.head, /^Access-Control-Allow-Origin: https:\/\/app\.example\.com$/m);
  for (const origin of ['https://evil.example', 'https://a.b.corp.example', 'https://app.example.com.evil']) {
    const other = await request('corslist.com', ['-H', `Origin: ${origin}`]);
    assert.equal(other.status, 200);
    assert.doesNotMatch(other.head, /Access-Control/, origin);
  }
  const before = echo.requests;
  const preflightElsewhere = await request('corslist.com', ['-X', 'OPTIONS', '-H', 'Origin: https://evil.example']);
  assert.equal(preflightElsewhere.status, 200, 'a preflight from another origin reaches the backend');
  assert.equal(echo.requests, before + 1);
});

test('CORS values that could inject headers are refused', async () => {
  const problems = apply([app('corsbad', { [a('enable-cors')]: 'true', [a('cors-allow-origin')]: 'https://a.com\r\nX-Evil: 1', [a('cors-allow-headers')]: 'X-A;X-B' })]);
  assert.equal(problems.filter((p) => p.reason === 'InvalidAnnotation').length, 2);
  const r = await request('corsbad.com', ['-H', 'Origin: https://a.com']);
  assert.match(r.head, /^Access-Control-Allow-Origin: \*$/m, 'defaults apply');
  assert.doesNotMatch(r.head, /X-Evil/);
});

test('limit-rps: 5 → burst of 25 (×5) answered, the excess gets 503 (fact 36); other clients unaffected', async () => {
  apply([app('limited', { [a('limit-rps')]: '5' }), app('free', {})]);
  const t0 = performance.now();
  const codes = await statuses('limited.com', 60);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(codes.length, 60);
  const ok = codes.filter((c) => c === 200).length;
  // 1 + 25 at once, plus what the bucket drained (5/s) while the requests went out.
  assert.ok(ok >= 26 && ok <= 27 + Math.ceil(seconds * 5), `${ok} of 60 admitted in ${seconds.toFixed(2)} s`);
  assert.equal(codes.filter((c) => c === 503).length, 60 - ok);
  assert.deepEqual(codes.slice(0, 26), Array(26).fill(200), 'the first 1 + 25 (burst) pass');
  assert.equal((await request('free.com')).status, 200);
  // The bucket drains at 5/s: after a second some requests pass again.
  await new Promise((res) => setTimeout(res, 1100));
  assert.equal((await request('limited.com')).status, 200);
});

test('limit-whitelist: clients in its ranges are never limited', async () => {
  apply([app('exempt', { [a('limit-rps')]: '1', [a('limit-burst-multiplier')]: '1', [a('limit-whitelist')]: '127.0.0.0/8' })]);
  assert.deepEqual(await statuses('exempt.com', 6), Array(6).fill(200));
});

test('limit-burst-multiplier and limit counters survive a route table swap', async () => {
  const ing = app('burst', { [a('limit-rps')]: '2', [a('limit-burst-multiplier')]: '1' });
  apply([ing]);
  // 1 + a burst of 2: the fourth request within the same instant is refused.
  assert.deepEqual(await statuses('burst.com', 4), [200, 200, 200, 503]);
  apply([ing]); // an endpoint change recompiles the table; the client's excess is kept
  assert.equal((await request('burst.com')).status, 503);
});

function htpasswdLines(): string {
  const apr1 = execFileSync('openssl', ['passwd', '-apr1', '-salt', 'x1y2z3', 'apr-pass'], { encoding: 'utf8' }).trim();
  const sha = `{SHA}${createHash('sha1').update('sha-pass').digest('base64')}`;
  return [`bcrypt-user:${bcrypt.hashSync('bc-pass', 5).replace(/^\$2b\$/, '$2y$')}`, `apr-user:${apr1}`, `sha-user:${sha}`, 'crypt-user:abJnggxhB/yWI', ''].join('\n');
}

test('auth-type basic: 401 with the realm without credentials, bcrypt/apr1/SHA users let in, wrong ones refused', async () => {
  const problems = apply([app('auth', { [a('auth-type')]: 'basic', [a('auth-secret')]: 'basic-auth', [a('auth-realm')]: 'Authentication Required - foo' })], [{ namespace: 'default', name: 'basic-auth', auth: htpasswdLines() }]);
  assert.deepEqual(
    problems.map((p) => p.reason),
    ['InvalidAuthSecret'],
    'the crypt(3) DES line is reported',
  );
  const none = await request('auth.com');
  assert.equal(none.status, 401);
  assert.match(none.head, /^WWW-Authenticate: Basic realm="Authentication Required - foo"$/m);
  for (const [user, pass] of [['bcrypt-user', 'bc-pass'], ['apr-user', 'apr-pass'], ['sha-user', 'sha-pass']]) {
    const r = await request('auth.com', ['-u', `${user}:${pass}`]);
    assert.equal(r.status, 200, user);
    assert.equal(JSON.parse(r.body).headers.authorization.startsWith('Basic '), true, 'credentials reach the backend');
    assert.equal((await request('auth.com', ['-u', `${user}:${pass}`])).status, 200, `${user} again`);
    assert.equal((await request('auth.com', ['-u', `${user}:wrong`])).status, 401, `${user} wrong password`);
  }
  assert.equal((await request('auth.com', ['-u', 'crypt-user:x'])).status, 401);
  assert.equal((await request('auth.com', ['-u', 'nobody:bc-pass'])).status, 401);
  assert.equal((await request('auth.com', ['-H', 'Authorization: Bearer abc'])).status, 401);
});

test('auth-type basic with a missing or foreign Secret fails closed (503) and is reported', async () => {
  const problems = apply([app('noauth', { [a('auth-type')]: 'basic', [a('auth-secret')]: 'missing' }), app('foreign', { [a('auth-type')]: 'basic', [a('auth-secret')]: 'kube-system/admin' })]);
  assert.deepEqual(problems.map((p) => p.reason).sort(), ['AuthSecretNotAllowed', 'AuthSecretNotFound']);
  assert.equal((await request('noauth.com', ['-u', 'a:b'])).status, 503);
  assert.equal((await request('foreign.com', ['-u', 'a:b'])).status, 503);
});

test('policy order as nginx phases: CORS preflight before auth, source range before auth', async () => {
  apply(
    [app('order', { [a('enable-cors')]: 'true', [a('auth-type')]: 'basic', [a('auth-secret')]: 'basic-auth' }), app('order2', { [a('whitelist-source-range')]: '10.0.0.0/8', [a('auth-type')]: 'basic', [a('auth-secret')]: 'basic-auth' })],
    [{ namespace: 'default', name: 'basic-auth', auth: htpasswdLines() }],
  );
  assert.equal((await request('order.com', ['-X', 'OPTIONS', '-H', 'Origin: https://a.com'])).status, 204);
  assert.equal((await request('order.com')).status, 401);
  assert.equal((await request('order2.com', ['-u', 'sha-user:sha-pass'])).status, 403);
});
