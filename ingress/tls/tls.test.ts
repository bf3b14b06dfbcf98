/** HTTPS: SNI certificates from Secrets (wildcards too), default certificate, redirect, HSTS, h2. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { setLogSink } from '../../common/log.js';
import { startEchoBackend, type EchoBackend } from '../testing/echo-backend.js';
import { curl, serviceOf, startHarness, stateOf, type Harness } from '../testing/harness.js';
import { ingress, path } from '../testing/state.js';
import { makeTestCa, type TestCa } from '../testing/test-ca.js';

let h: Harness;
let echo: EchoBackend;
let ca: TestCa;
let initialState: ReturnType<typeof stateOf>;

before(async () => {
  setLogSink(() => {});
  ca = makeTestCa();
  echo = await startEchoBackend('web');
  const exact = ca.issue(['foo.bar.com']);
  const wild = ca.issue(['*.cluster.example.com']);
  h = await startHarness();
  initialState = stateOf({
      svcs: [serviceOf('web', [echo])],
      secrets: [
        { namespace: 'default', name: 'conformance-tls', ...exact },
        { namespace: 'default', name: 'wildcard-tls', ...wild },
      ],
      ingresses: [
        ingress('host-rules', { host: 'foo.bar.com', paths: [path('/', 'Prefix', 'web')], tls: [{ hosts: ['foo.bar.com'], secretName: 'conformance-tls' }] }),
        ingress('web01', { host: 'web01.cluster.example.com', paths: [path('/', 'Prefix', 'web')], tls: [{ hosts: ['web01.cluster.example.com'], secretName: 'wildcard-tls' }] }),
        ingress('plain', { host: 'plain.com', paths: [path('/', 'Prefix', 'web')] }),
        ingress('noredirect', { host: 'nr.com', annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' }, paths: [path('/', 'Prefix', 'web')], tls: [{ hosts: ['nr.com'], secretName: 'conformance-tls' }] }),
      ],
    });
  h.apply(initialState);
});

after(async () => {
  await h.close();
  await echo.close();
  ca.cleanup();
});

const https = (host: string, p = '/', extra: string[] = ['--http1.1']) => curl(['-i', '--resolve', `${host}:${h.dp.httpsPort}:127.0.0.1`, '--cacert', ca.caPath, ...extra, `https://${host}:${h.dp.httpsPort}${p}`]);

function peerCert(servername: string | undefined): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: h.dp.httpsPort, servername, rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate());
      s.end();
    });
    s.on('error', reject);
  });
}

test('SNI picks the Secret certificate; curl verifies it against the CA (fact 3)', async () => {
  const r = await https('foo.bar.com', '/secure');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HTTP\/1\.1 200 /);
  assert.match(r.stdout, /"service":"web"/);
  assert.match(r.stdout, /"x-forwarded-proto":"https"/);
  assert.match(r.stdout, /^Strict-Transport-Security: max-age=31536000; includeSubDomains/m);
});

test('a wildcard certificate covers one label (walkthrough §7.5)', async () => {
  const r = await https('web01.cluster.example.com');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HTTP\/1\.1 200 /);
  const cert = await peerCert('web01.cluster.example.com');
  assert.equal(cert.subjectaltname, 'DNS:*.cluster.example.com');
});

test('unknown SNI or none: the default certificate, and a 404 (fact 38)', async () => {
  const cert = await peerCert('unknown.example');
  assert.match(String(cert.subject.CN), /Fake Certificate/);
  const none = await peerCert(undefined);
  assert.match(String(none.subject.CN), /Fake Certificate/);
  const r = await curl(['-k', '-o', '/dev/null', '-w', '%{http_code}', '--resolve', `unknown.example:${h.dp.httpsPort}:127.0.0.1`, `https://unknown.example:${h.dp.httpsPort}/`]);
  assert.equal(r.stdout, '404');
});

test('a tls entry without hosts becomes the default certificate, also for clients without SNI', async () => {
  const def = ca.issue(['default.example']);
  const state = stateOf({
    svcs: [serviceOf('web', [echo])],
    secrets: [{ namespace: 'default', name: 'default-tls', ...def }],
    ingresses: [ingress('default-tls', { paths: [path('/', 'Prefix', 'web')], tls: [{ hosts: [], secretName: 'default-tls' }] })],
  });
  h.apply(state);
  try {
    assert.equal((await peerCert('other.example')).subjectaltname, 'DNS:default.example');
    assert.equal((await peerCert(undefined)).subjectaltname, 'DNS:default.example');
  } finally {
    h.apply(initialState);
  }
});

test('plain HTTP to a TLS host → 308 to https; ssl-redirect=false and non-TLS hosts are served (fact 4)', async () => {
  const r = await curl(['-i', '-H', 'Host: foo.bar.com', `${h.http}/x?y=1`]);
  assert.match(r.stdout, /^HTTP\/1\.1 308 /);
  assert.match(r.stdout, new RegExp(`^Location: https://foo\\.bar\\.com:${h.dp.httpsPort}/x\\?y=1\\r$`, 'm'));
  assert.match((await curl(['-i', '-H', 'Host: nr.com', `${h.http}/`])).stdout, /^HTTP\/1\.1 200 /);
  assert.match((await curl(['-i', '-H', 'Host: plain.com', `${h.http}/`])).stdout, /^HTTP\/1\.1 200 /);
});

test('TLS 1.0/1.1 are refused; TLS 1.2 and 1.3 work', async () => {
  assert.notEqual((await https('foo.bar.com', '/', ['--http1.1', '--tlsv1.1', '--tls-max', '1.1'])).code, 0);
  assert.equal((await https('foo.bar.com', '/', ['--http1.1', '--tlsv1.2', '--tls-max', '1.2'])).code, 0);
  assert.equal((await https('foo.bar.com', '/', ['--http1.1', '--tlsv1.3'])).code, 0);
});

test('HTTP/2 via ALPN reaches the same backend; HTTP/1.1 over TLS keeps keep-alive', async () => {
  const r = await https('foo.bar.com', '/h2', ['--http2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^HTTP\/2 200/);
  assert.match(r.stdout, /"path":"\/h2"/);
  const url = `https://foo.bar.com:${h.dp.httpsPort}/k`;
  const k = await curl(['--http1.1', '--resolve', `foo.bar.com:${h.dp.httpsPort}:127.0.0.1`, '--cacert', ca.caPath, '-w', '%{num_connects}', '-o', '/dev/null', url, '-o', '/dev/null', url]);
  assert.equal(k.stdout, '10');
});
