/**
 * backend-protocol GRPC/GRPCS: HTTP/2 clients (TLS ALPN h2) proxied to h2c and TLS gRPC-shaped
 * backends, streaming both ways, trailers passed on; and the route policies for HTTP/2 clients.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { writeFileSync, rmSync } from 'node:fs';
import { setLogSink } from '../common/log.js';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';
import { grpcFrame, startGrpcBackend, type GrpcBackend } from './testing/grpc-backend.js';
import { closeAll, curl, serviceOf, startHarness, stateOf, type Harness } from './testing/harness.js';
import { ingress, path } from './testing/state.js';
import { makeTestCa, type TestCa } from './testing/test-ca.js';

let h: Harness;
let ca: TestCa;
let plain: GrpcBackend;
let secure: GrpcBackend;
let web: EchoBackend;
let client: http2.ClientHttp2Session;
const a = (key: string) => `nginx.ingress.kubernetes.io/${key}`;

before(async () => {
  setLogSink(() => {});
  ca = makeTestCa();
  plain = await startGrpcBackend('grpc-0');
  secure = await startGrpcBackend('grpcs-0', ca.issue(['grpcs-backend']));
  web = await startEchoBackend('web');
  h = await startHarness();
  h.apply(
    stateOf({
      svcs: [serviceOf('grpc', [{ address: '127.0.0.1', port: plain.port }]), serviceOf('grpcs', [{ address: '127.0.0.1', port: secure.port }]), serviceOf('web', [web])],
      ingresses: [
        ingress('grpc', { host: 'grpc.example', annotations: { [a('backend-protocol')]: 'GRPC' }, paths: [path('/', 'Prefix', 'grpc')] }),
        ingress('grpcs', { host: 'grpcs.example', annotations: { [a('backend-protocol')]: 'GRPCS' }, paths: [path('/', 'Prefix', 'grpcs')] }),
        ingress('h2policy', { host: 'h2.example', annotations: { [a('affinity')]: 'cookie', [a('enable-cors')]: 'true' }, paths: [path('/', 'Prefix', 'web')] }),
        ingress('h2denied', { host: 'denied.example', annotations: { [a('whitelist-source-range')]: '10.0.0.0/8' }, paths: [path('/', 'Prefix', 'web')] }),
      ],
    }),
  );
  client = http2.connect(`https://127.0.0.1:${h.dp.httpsPort}`, { rejectUnauthorized: false });
  client.on('error', () => {});
});

after(async () => {
  client?.destroy();
  await h.close();
  await Promise.all([plain.close(), secure.close(), closeAll([web])]);
  ca.cleanup();
});

interface Call {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  echoes: string[];
}

/** A bidirectional call: each message is sent only after the previous one came back. */
function streamingCall(authority: string, rpc: string, messages: string[]): Promise<Call> {
  return new Promise((resolve, reject) => {
    const req = client.request({ ':method': 'POST', ':path': rpc, ':authority': authority, 'content-type': 'application/grpc', te: 'trailers' });
    const call: Call = { headers: {}, trailers: {}, echoes: [] };
    let next = 0;
    const sendNext = () => (next < messages.length ? req.write(grpcFrame(messages[next++])) : req.end());
    req.on('response', (headers) => (call.headers = headers));
    req.on('trailers', (t) => (call.trailers = t));
    req.on('data', (d: Buffer) => {
      call.echoes.push(d.subarray(5).toString());
      sendNext();
    });
    req.on('end', () => resolve(call));
    req.on('error', reject);
    sendNext();
  });
}

test('GRPC: a bidirectional stream through the proxy to an h2c backend, trailers preserved', async () => {
  const call = await streamingCall('grpc.example', '/echo.Echo/Stream', ['one', 'two', 'three']);
  assert.equal(call.headers[':status'], 200);
  assert.equal(call.headers['content-type'], 'application/grpc');
  assert.equal(call.headers['x-pod'], 'grpc-0');
  assert.equal(call.headers['x-seen-te'], 'trailers', 'te: trailers reaches the backend');
  assert.equal(call.headers['x-seen-xff'], '127.0.0.1');
  assert.equal(call.headers['x-seen-authority'], 'grpc.example');
  assert.deepEqual(call.echoes, ['one', 'two', 'three']);
  assert.equal(call.trailers['grpc-status'], '0');
  assert.equal(call.trailers['grpc-message'], 'OK');
  assert.equal(call.trailers['x-trailer-pod'], 'grpc-0');
});

test('GRPC: a trailers-only error answer keeps grpc-status', async () => {
  const call = await streamingCall('grpc.example', '/echo.Echo/Fail', []);
  assert.equal(call.headers[':status'], 200);
  assert.equal({ ...call.headers, ...call.trailers }['grpc-status'], '12');
  assert.equal(call.trailers['grpc-status'], '12', 'sent as a trailer so gRPC clients read it as the call status');
});

test('GRPC: a call the client cancels is cancelled at the backend too', async () => {
  const before = plain.cancelled;
  await new Promise<void>((resolve, reject) => {
    const req = client.request({ ':method': 'POST', ':path': '/echo.Echo/Stream', ':authority': 'grpc.example', 'content-type': 'application/grpc', te: 'trailers' });
    req.on('data', () => req.close(http2.constants.NGHTTP2_CANCEL));
    req.on('close', () => resolve());
    req.on('error', reject);
    req.write(grpcFrame('cancel me'));
  });
  const deadline = Date.now() + 3000;
  while (plain.cancelled === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(plain.cancelled, before + 1);
});

test('GRPCS: the same over TLS to the backend', async () => {
  const call = await streamingCall('grpcs.example', '/echo.Echo/Stream', ['a', 'b']);
  assert.equal(call.headers['x-pod'], 'grpcs-0');
  assert.deepEqual(call.echoes, ['a', 'b']);
  assert.equal(call.trailers['grpc-status'], '0');
});

test('GRPC with curl --http2: unary call answered with the echoed frame; HTTP/1.1 clients get 502', async () => {
  const file = `/tmp/svcnet-grpc-frame-${process.pid}`;
  writeFileSync(file, grpcFrame('hello'));
  try {
    const r = await curl(['-sk', '--http2', '-i', '--resolve', `grpc.example:${h.dp.httpsPort}:127.0.0.1`, '-H', 'content-type: application/grpc', '-H', 'te: trailers', '--data-binary', `@${file}`, `https://grpc.example:${h.dp.httpsPort}/echo.Echo/Stream`]);
    assert.match(r.stdout, /^HTTP\/2 200/);
    assert.match(r.stdout, /x-pod: grpc-0/);
    assert.ok(r.stdout.includes('hello'), r.stdout);
    assert.match(r.stdout, /grpc-status: 0/, 'curl prints the trailers');
    const h1 = await curl(['-sk', '--http1.1', '-o', '/dev/null', '-w', '%{http_code}', '--resolve', `grpc.example:${h.dp.httpsPort}:127.0.0.1`, `https://grpc.example:${h.dp.httpsPort}/echo.Echo/Stream`]);
    assert.equal(h1.stdout, '502');
  } finally {
    rmSync(file, { force: true });
  }
});

test('HTTP/2 clients get the route policies and balancers too (source range, CORS, affinity cookie)', async () => {
  const h2 = (host: string, extra: string[] = []) => curl(['-sk', '--http2', '-i', '--resolve', `${host}:${h.dp.httpsPort}:127.0.0.1`, ...extra, `https://${host}:${h.dp.httpsPort}/`]);
  assert.match((await h2('denied.example')).stdout, /^HTTP\/2 403/);
  const r = await h2('h2.example', ['-H', 'Origin: https://a.example']);
  assert.match(r.stdout, /^HTTP\/2 200/);
  assert.match(r.stdout, /^access-control-allow-origin: \*/m);
  assert.match(r.stdout, /^set-cookie: INGRESSCOOKIE=\S+; Path=\/; Secure; HttpOnly/m);
  const pre = await h2('h2.example', ['-X', 'OPTIONS', '-H', 'Origin: https://a.example']);
  assert.match(pre.stdout, /^HTTP\/2 204/);
});
