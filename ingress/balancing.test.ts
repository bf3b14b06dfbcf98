/** Load-balancing annotations through the real curl: ewma, upstream-hash-by, cookie affinity. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { closeAll, curl, serviceOf, startHarness, stateOf, type Harness } from './testing/harness.js';
import { ingress, path } from './testing/state.js';
import { setLogSink } from '../common/log.js';
import type { IngressInfo } from './model.js';

let h: Harness;
const pods: EchoBackend[] = [];
let slow: EchoBackend;
let fast: EchoBackend;

before(async () => {
  setLogSink(() => {});
  for (let i = 0; i < 4; i++) pods.push(await startEchoBackend('app', `app-${i}`));
  fast = await startEchoBackend('mixed', 'fast');
  slow = await startEchoBackend('mixed', 'slow', '127.0.0.1', { delayMs: 60 });
  h = await startHarness();
});

after(async () => {
  await h.close();
  await closeAll([...pods, fast, slow]);
});

const a = (key: string) => `nginx.ingress.kubernetes.io/${key}`;

function apply(ing: IngressInfo, appPods = pods) {
  return h.apply(stateOf({ svcs: [serviceOf('app', appPods), serviceOf('mixed', [fast, slow])], ingresses: [ing] }));
}

interface Reply {
  status: number;
  headers: string;
  pod: string;
}

async function get(host: string, p: string, extra: string[] = []): Promise<Reply> {
  const r = await curl(['-si', '-H', `Host: ${host}`, ...extra, h.http + p]);
  const [head, body] = r.stdout.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), headers: head, pod: /"pod":"([^"]+)"/.exec(body ?? '')?.[1] ?? '' };
}

function setCookieOf(headers: string): string | undefined {
  return /^Set-Cookie: (.*)$/im.exec(headers)?.[1];
}

test('load-balance: ewma sends most requests to the faster endpoint', async () => {
  apply(ingress('ewma', { host: 'ewma.com', annotations: { [a('load-balance')]: 'ewma' }, paths: [path('/', 'Prefix', 'mixed')] }));
  const seen: string[] = [];
  // Sequential, so every answer is learned before the next pick.
  for (let i = 0; i < 30; i++) seen.push((await get('ewma.com', '/')).pod);
  const fastCount = seen.filter((p) => p === 'fast').length;
  assert.ok(fastCount >= 22, `fast endpoint served ${fastCount}/30`);
  assert.ok(seen.includes('slow'), 'the slow endpoint is still tried now and then');
});

test('upstream-hash-by: the same $request_uri, $http_x_user or $remote_addr keeps its endpoint', async () => {
  apply(ingress('hash-uri', { host: 'h.com', annotations: { [a('upstream-hash-by')]: '$request_uri' }, paths: [path('/', 'Prefix', 'app')] }));
  const byUri = new Map<string, Set<string>>();
  for (let round = 0; round < 3; round++) {
    for (let u = 0; u < 12; u++) {
      const p = `/item/${u}?v=1`;
      const set = byUri.get(p) ?? new Set();
      set.add((await get('h.com', p)).pod);
      byUri.set(p, set);
    }
  }
  for (const [p, set] of byUri) assert.equal(set.size, 1, `${p} went to ${[...set]}`);
  assert.ok(new Set([...byUri.values()].map((s) => [...s][0])).size >= 2, 'different URIs spread over endpoints');

  apply(ingress('hash-hdr', { host: 'h.com', annotations: { [a('upstream-hash-by')]: '$http_x_user' }, paths: [path('/', 'Prefix', 'app')] }));
  for (const user of ['alice', 'bob', 'carol']) {
    const first = (await get('h.com', '/a', ['-H', `X-User: ${user}`])).pod;
    for (const p of ['/b', '/c?x=2', '/d']) assert.equal((await get('h.com', p, ['-H', `X-User: ${user}`])).pod, first, user);
  }

  apply(ingress('hash-addr', { host: 'h.com', annotations: { [a('upstream-hash-by')]: '$remote_addr' }, paths: [path('/', 'Prefix', 'app')] }));
  const addrPods = new Set<string>();
  for (let i = 0; i < 8; i++) addrPods.add((await get('h.com', `/${i}`)).pod);
  assert.equal(addrPods.size, 1);
});

test('upstream-hash-by outside the allowed variables is ignored and reported; round robin applies', async () => {
  const problems = apply(ingress('hash-bad', { host: 'h.com', annotations: { [a('upstream-hash-by')]: '$request_uri;proxy_pass http://evil' }, paths: [path('/', 'Prefix', 'app')] }));
  assert.ok(problems.some((p) => p.reason === 'InvalidAnnotation' && p.message.includes('upstream-hash-by')), JSON.stringify(problems));
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) seen.add((await get('h.com', '/same')).pod);
  assert.equal(seen.size, 4);
});

test('affinity: cookie → INGRESSCOOKIE on the first response, replayed it pins the endpoint, re-chosen when it goes away', async () => {
  apply(ingress('sticky', { host: 's.com', annotations: { [a('affinity')]: 'cookie' }, paths: [path('/app', 'Prefix', 'app')] }));
  const first = await get('s.com', '/app/x');
  assert.equal(first.status, 200);
  const cookie = setCookieOf(first.headers);
  assert.ok(cookie, first.headers);
  assert.match(cookie, /^INGRESSCOOKIE=[A-Za-z0-9]+\|[0-9a-f]+; Path=\/app; HttpOnly$/);
  const pair = cookie.split(';')[0];
  for (let i = 0; i < 8; i++) {
    const r = await get('s.com', '/app/y', ['-H', `Cookie: other=1; ${pair}`]);
    assert.equal(r.pod, first.pod);
    assert.equal(setCookieOf(r.headers), undefined, 'the cookie is set once');
  }
  // Balanced mode: the pinned endpoint leaves, the session moves to another one and stays there.
  apply(ingress('sticky', { host: 's.com', annotations: { [a('affinity')]: 'cookie' }, paths: [path('/app', 'Prefix', 'app')] }), pods.filter((p) => `app-${pods.indexOf(p)}` !== first.pod));
  const moved = await get('s.com', '/app/y', ['-H', `Cookie: ${pair}`]);
  assert.notEqual(moved.pod, first.pod);
  for (let i = 0; i < 4; i++) assert.equal((await get('s.com', '/app/y', ['-H', `Cookie: ${pair}`])).pod, moved.pod);
});

test('affinity-mode persistent with session-cookie-* attributes; a gone endpoint gets a new cookie', async () => {
  const annotations = {
    [a('affinity')]: 'cookie',
    [a('affinity-mode')]: 'persistent',
    [a('session-cookie-name')]: 'route',
    [a('session-cookie-path')]: '/',
    [a('session-cookie-max-age')]: '3600',
    [a('session-cookie-expires')]: '7200',
    [a('session-cookie-samesite')]: 'Lax',
    [a('session-cookie-domain')]: '.p.com',
  };
  apply(ingress('persist', { host: 'p.com', annotations, paths: [path('/', 'Prefix', 'app')] }));
  const first = await get('p.com', '/');
  const cookie = setCookieOf(first.headers)!;
  assert.match(cookie, /^route=[0-9a-f]+\|[0-9a-f]+; Expires=\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT; Max-Age=3600; Domain=\.p\.com; Path=\/; HttpOnly; SameSite=Lax$/);
  const pair = cookie.split(';')[0];
  for (let i = 0; i < 5; i++) assert.equal((await get('p.com', '/', ['-H', `Cookie: ${pair}`])).pod, first.pod);
  apply(ingress('persist', { host: 'p.com', annotations, paths: [path('/', 'Prefix', 'app')] }), pods.filter((p) => `app-${pods.indexOf(p)}` !== first.pod));
  const moved = await get('p.com', '/', ['-H', `Cookie: ${pair}`]);
  assert.notEqual(moved.pod, first.pod);
  const renewed = setCookieOf(moved.headers);
  assert.ok(renewed && renewed.split(';')[0] !== pair, 'a new cookie names the new endpoint');
  for (let i = 0; i < 4; i++) assert.equal((await get('p.com', '/', ['-H', `Cookie: ${renewed!.split(';')[0]}`])).pod, moved.pod);
});

test('bad affinity values are reported and ignored', async () => {
  const problems = apply(ingress('sticky-bad', { host: 'b.com', annotations: { [a('affinity')]: 'cookie', [a('session-cookie-name')]: 'a;b', [a('session-cookie-samesite')]: 'Sometimes', [a('session-cookie-path')]: '/x; Domain=evil' }, paths: [path('/', 'Prefix', 'app')] }));
  assert.equal(problems.filter((p) => p.reason === 'InvalidAnnotation').length, 3);
  const r = await get('b.com', '/');
  assert.match(setCookieOf(r.headers)!, /^INGRESSCOOKIE=\S+; Path=\/; HttpOnly$/);
});

test('session-cookie-change-on-failure: a session whose endpoint refuses connections is re-pinned only when set', async () => {
  const dead = net.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as net.AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  const deadPin = createHash('sha1').update(`default/app:80|127.0.0.1:${deadPort}`).digest('hex').slice(0, 24);
  const base = { [a('affinity')]: 'cookie', [a('affinity-mode')]: 'persistent' };
  const flaky = [pods[0], { address: '127.0.0.1', port: deadPort }];
  for (const change of [false, true]) {
    const annotations = change ? { ...base, [a('session-cookie-change-on-failure')]: 'true' } : base;
    h.apply(stateOf({ svcs: [serviceOf('app', flaky)], ingresses: [ingress('flaky', { host: 'f.com', annotations, paths: [path('/', 'Prefix', 'app')] })] }));
    const r = await get('f.com', '/', ['-H', `Cookie: INGRESSCOOKIE=${deadPin}|x`]);
    assert.equal(r.status, 200, 'retried on the live endpoint');
    assert.equal(r.pod, 'app-0');
    const cookie = setCookieOf(r.headers);
    if (change) assert.ok(cookie && !cookie.includes(deadPin), 'the session moves to the endpoint that answered');
    else assert.equal(cookie, undefined, 'the session stays pinned');
  }
});
