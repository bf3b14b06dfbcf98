/** Canary Ingresses through the real curl: header, cookie and weight, precedence, inheritance. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { closeAll, curl, serviceOf, startHarness, stateOf, type Harness } from './testing/harness.js';
import { ingress, path } from './testing/state.js';
import { setLogSink } from '../common/log.js';
import type { IngressInfo } from './model.js';

let h: Harness;
const backends: EchoBackend[] = [];

before(async () => {
  setLogSink(() => {});
  for (const [svc, pod] of [['main', 'main-0'], ['main', 'main-1'], ['canary', 'canary-0'], ['canary', 'canary-1']]) backends.push(await startEchoBackend(svc, pod));
  h = await startHarness();
});

after(async () => {
  await h.close();
  await closeAll(backends);
});

const a = (key: string) => `nginx.ingress.kubernetes.io/${key}`;
const mainIngress = (annotations: Record<string, string> = {}) => ingress('main', { host: 'c.com', annotations, paths: [path('/', 'Prefix', 'main')] });
const canaryIngress = (annotations: Record<string, string>, host = 'c.com') => ingress('canary', { host, annotations: { [a('canary')]: 'true', ...annotations }, paths: [path('/', 'Prefix', 'canary')] });

function apply(...ingresses: IngressInfo[]) {
  const svcs = ['main', 'canary'].map((name) => serviceOf(name, backends.filter((b, i) => (i < 2 ? 'main' : 'canary') === name)));
  return h.apply(stateOf({ svcs, ingresses }));
}

async function serviceFor(extra: string[] = [], host = 'c.com'): Promise<string> {
  const r = await curl(['-s', '-H', `Host: ${host}`, ...extra, h.http + '/x']);
  return /"service":"([^"]+)"/.exec(r.stdout)?.[1] ?? r.stdout.slice(0, 40);
}

/** How many of n requests (one curl, keep-alive) reached the canary. */
async function canaryShare(n: number, extra: string[] = []): Promise<number> {
  const r = await curl(['-s', '-H', 'Host: c.com', ...extra, ...Array.from({ length: n }, () => h.http + '/')]);
  return [...r.stdout.matchAll(/"service":"canary"/g)].length;
}

test('canary-by-header: always → canary, never → main, anything else falls through (fact 34)', async () => {
  assert.deepEqual(apply(mainIngress(), canaryIngress({ [a('canary-by-header')]: 'X-Canary' })), []);
  assert.equal(await serviceFor(['-H', 'X-Canary: always']), 'canary');
  assert.equal(await serviceFor(['-H', 'x-canary: never']), 'main');
  assert.equal(await serviceFor(['-H', 'X-Canary: other']), 'main');
  assert.equal(await serviceFor(), 'main');
});

test('canary-by-header-value and -pattern: exact value or regex match; always/never lose their meaning', async () => {
  apply(mainIngress(), canaryIngress({ [a('canary-by-header')]: 'X-Version', [a('canary-by-header-value')]: 'v2' }));
  assert.equal(await serviceFor(['-H', 'X-Version: v2']), 'canary');
  assert.equal(await serviceFor(['-H', 'X-Version: always']), 'main');
  apply(mainIngress(), canaryIngress({ [a('canary-by-header')]: 'X-Version', [a('canary-by-header-pattern')]: '^(beta|v[3-9])$' }));
  assert.equal(await serviceFor(['-H', 'X-Version: beta']), 'canary');
  assert.equal(await serviceFor(['-H', 'X-Version: v7']), 'canary');
  assert.equal(await serviceFor(['-H', 'X-Version: v2']), 'main');
});

test('canary-by-cookie, and the precedence header → cookie → weight', async () => {
  apply(mainIngress(), canaryIngress({ [a('canary-by-header')]: 'X-Canary', [a('canary-by-cookie')]: 'use_canary', [a('canary-weight')]: '100' }));
  assert.equal(await serviceFor(['-H', 'Cookie: a=1; use_canary=always']), 'canary');
  assert.equal(await serviceFor(['-H', 'Cookie: use_canary=never']), 'main', 'cookie never beats weight 100');
  assert.equal(await serviceFor(['-H', 'X-Canary: never', '-H', 'Cookie: use_canary=always']), 'main', 'header beats cookie');
  assert.equal(await serviceFor(['-H', 'X-Canary: always', '-H', 'Cookie: use_canary=never']), 'canary', 'header beats cookie');
  assert.equal(await serviceFor(['-H', 'X-Canary: maybe', '-H', 'Cookie: use_canary=never']), 'main', 'other header values fall through to the cookie');
  assert.equal(await serviceFor(['-H', 'Cookie: use_canary=other']), 'canary', 'other cookie values fall through to the weight');
});

test('canary-weight (and canary-weight-total) split traffic by share', async () => {
  apply(mainIngress(), canaryIngress({ [a('canary-weight')]: '0' }));
  assert.equal(await canaryShare(50), 0);
  apply(mainIngress(), canaryIngress({ [a('canary-weight')]: '100' }));
  assert.equal(await canaryShare(50), 50);
  apply(mainIngress(), canaryIngress({ [a('canary-weight')]: '30' }));
  const n = await canaryShare(400);
  assert.ok(n > 80 && n < 160, `30% of 400 → ${n}`);
  apply(mainIngress(), canaryIngress({ [a('canary-weight')]: '250', [a('canary-weight-total')]: '1000' }));
  const m = await canaryShare(400);
  assert.ok(m > 60 && m < 145, `25% of 400 → ${m}`);
});

test('a canary inherits the main Ingress (CORS, source ranges) but balances with its own affinity', async () => {
  apply(
    mainIngress({ [a('enable-cors')]: 'true' }),
    // Its own whitelist is not used: the main Ingress's (none) applies.
    canaryIngress({ [a('canary-weight')]: '50', [a('whitelist-source-range')]: '10.0.0.0/8', [a('affinity')]: 'cookie' }),
  );
  const pinned: string[] = [];
  for (let i = 0; i < 12; i++) {
    const r = await curl(['-si', '-H', 'Host: c.com', h.http + '/']);
    assert.match(r.stdout, /^Access-Control-Allow-Origin: \*/m);
    const svc = /"service":"([^"]+)"/.exec(r.stdout)![1];
    const cookie = /^Set-Cookie: (INGRESSCOOKIE=[^;]+)/m.exec(r.stdout)?.[1];
    if (svc === 'canary') {
      assert.ok(cookie, 'the canary sets its affinity cookie');
      // An affinitized client stays on the canary whatever the weight draws.
      for (let j = 0; j < 6; j++) assert.equal(await serviceFor(['-H', `Cookie: ${cookie}`]), 'canary');
      pinned.push(cookie);
    } else assert.equal(cookie, undefined, 'the main Ingress has no affinity');
  }
  assert.ok(pinned.length > 0, 'some of 12 requests at weight 50 reached the canary');
});

test('a canary without a main Ingress for its host and path is reported and not served', async () => {
  const problems = apply(mainIngress(), canaryIngress({ [a('canary-by-header')]: 'X-Canary' }, 'other.com'));
  assert.ok(problems.some((p) => p.reason === 'CanaryWithoutMain'), JSON.stringify(problems));
  assert.equal(h.dp.plane.table.served.has('default/canary'), false);
  const r = await curl(['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: other.com', '-H', 'X-Canary: always', h.http + '/']);
  assert.equal(r.stdout, '404');
});

test('a canary whose Service has no endpoints leaves traffic on the main backend', async () => {
  const svcs = [serviceOf('main', backends.slice(0, 2)), serviceOf('canary', [])];
  h.apply(stateOf({ svcs, ingresses: [mainIngress(), canaryIngress({ [a('canary-weight')]: '100' })] }));
  assert.equal(await serviceFor(), 'main');
});
