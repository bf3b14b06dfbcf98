import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { findResource } from '../api/resources.js';
import { loadConnection } from './kubeconfig.js';
import { ApiClient } from './rest.js';
import { listen, type Listening } from './testing/listen.js';
import { makeTestPki } from './testing/test-certs.js';

const namespaces = findResource('', 'v1', 'namespaces')!;
const pki = makeTestPki();
const dir = mkdtempSync(join(tmpdir(), 'svcnet-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Seen {
  authorization?: string;
  clientCN?: string;
}

/** An HTTPS stand-in that answers any GET with a Namespace and remembers who asked. */
async function startTlsStandIn(requestCert = false): Promise<Listening & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const l = await listen(
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      seen.push({ authorization: req.headers.authorization, clientCN: peer?.subject?.CN === undefined ? undefined : String(peer.subject.CN) });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }));
    },
    { tls: { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.ca.certPem, requestCert, rejectUnauthorized: requestCert } },
  );
  return { ...l, seen };
}

let fileCount = 0;
function writeKubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const path = join(dir, `config-${++fileCount}.yaml`);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster }],
    users: [{ name: 'admin', user }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', namespace: 'team-a' } }],
    'current-context': 'test',
    ...extra,
  };
  writeFileSync(path, stringify(doc));
  return path;
}

async function getDefaultNamespace(path: string): Promise<string | undefined> {
  const client = new ApiClient(await loadConnection({ path }));
  try {
    return (await client.get(namespaces, undefined, 'default')).metadata.name;
  } finally {
    client.close();
  }
}

test('CA data + bearer token: verified TLS and the token on every request', async () => {
  const server = await startTlsStandIn();
  after(() => server.close());
  const path = writeKubeconfig({ server: server.url, 'certificate-authority-data': b64(pki.ca.certPem) }, { token: 'sekret-token' });
  const conn = await loadConnection({ path });
  assert.equal(conn.namespace, 'team-a');
  assert.equal(conn.server.href, `${server.url}/`);
  assert.equal(await getDefaultNamespace(path), 'default');
  assert.equal(server.seen.at(-1)?.authorization, 'Bearer sekret-token');
});

test('client certificate auth (mutual TLS) from certificate and key data', async () => {
  const server = await startTlsStandIn(true);
  after(() => server.close());
  const path = writeKubeconfig(
    { server: server.url, 'certificate-authority-data': b64(pki.ca.certPem) },
    { 'client-certificate-data': b64(pki.client.certPem), 'client-key-data': b64(pki.client.keyPem) },
  );
  assert.equal(await getDefaultNamespace(path), 'default');
  assert.equal(server.seen.at(-1)?.clientCN, 'test-admin');
  assert.equal(server.seen.at(-1)?.authorization, undefined);
});

test('an unknown CA is refused unless insecure-skip-tls-verify is set', async () => {
  const server = await startTlsStandIn();
  after(() => server.close());
  const strict = writeKubeconfig({ server: server.url }, { token: 't' });
  await assert.rejects(getDefaultNamespace(strict), (err: NodeJS.ErrnoException) => /certificate/i.test(err.code ?? '') || /certificate/i.test(err.message));
  const insecure = writeKubeconfig({ server: server.url, 'insecure-skip-tls-verify': true }, { token: 't' });
  assert.equal(await getDefaultNamespace(insecure), 'default');
});

test('plain http servers work with a token (client-node alone refuses them without skip-tls-verify)', async () => {
  let authorization: string | undefined;
  const server = await listen((req, res) => {
    authorization = req.headers.authorization;
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }));
  });
  after(() => server.close());
  const path = writeKubeconfig({ server: server.url }, { token: 'plain' });
  assert.equal(await getDefaultNamespace(path), 'default');
  assert.equal(authorization, 'Bearer plain');
});

test('exec credential plugins are run through client-node', async () => {
  const server = await startTlsStandIn();
  after(() => server.close());
  const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'from-exec' } });
  const path = writeKubeconfig(
    { server: server.url, 'certificate-authority-data': b64(pki.ca.certPem) },
    { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: ['-e', `process.stdout.write(${JSON.stringify(credential)})`] } },
  );
  assert.equal(await getDefaultNamespace(path), 'default');
  assert.equal(server.seen.at(-1)?.authorization, 'Bearer from-exec');
});

test('context override, $KUBECONFIG default loading, and clear errors for bad input', async () => {
  const path = writeKubeconfig({ server: 'https://10.0.0.1:6443' }, { token: 'a' }, {
    clusters: [
      { name: 'test', cluster: { server: 'https://10.0.0.1:6443' } },
      { name: 'other', cluster: { server: 'https://10.0.0.2:6443' } },
    ],
    contexts: [
      { name: 'test', context: { cluster: 'test', user: 'admin' } },
      { name: 'other', context: { cluster: 'other', user: 'admin', namespace: 'kube-system' } },
    ],
  });
  const other = await loadConnection({ path, context: 'other' });
  assert.equal(other.server.host, '10.0.0.2:6443');
  assert.equal(other.namespace, 'kube-system');

  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = path;
  try {
    assert.equal((await loadConnection()).server.host, '10.0.0.1:6443');
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
  await assert.rejects(loadConnection({ path, context: 'nope' }), { code: 'InvalidKubeconfig', message: /context "nope"/ });
  await assert.rejects(loadConnection({ path: join(dir, 'missing.yaml') }), { code: 'InvalidKubeconfig' });
});
