/**
 * kubectl logs and kubectl exec through svcnet's API server to a node's kubelet API. The node
 * agent is not in this test: a stand-in kubelet on loopback speaks the kubelet paths and the
 * v5.channel.k8s.io WebSocket protocol and runs commands locally, so what is tested is the API
 * server's side (pod → node → kubelet endpoint, auth, the upgrade tunnel) and kubectl's view.
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { kubectlAvailable, startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';
import { apiRequest, targetFromKubeconfig } from '../../testing/api-request.js';
import { ensurePki } from './pki.js';

const skip = kubectlAvailable() ? false : 'kubectl is not installed';
let f: ApiFixture;
let kubelet: Server;
const seenAuth: string[] = [];

function startStandInKubelet(token: string): Promise<number> {
  const pki = ensurePki({ dir: mkdtempSync(join(tmpdir(), 'kubelet-pki-')), ipSANs: ['127.0.0.1'], dnsSANs: [] });
  kubelet = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    seenAuth.push(req.headers.authorization ?? '');
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(req.url ?? '');
    if (!m || req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(m ? 401 : 404).end();
      return;
    }
    const q = new URL(req.url!, 'https://x').searchParams;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(`log of ${m[1]}/${m[2]}/${m[3]} tail=${q.get('tailLines') ?? ''}\n`);
    if (q.get('follow') === 'true') {
      const timer = setInterval(() => res.write('tick\n'), 50);
      req.on('close', () => clearInterval(timer));
    } else res.end();
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet.on('upgrade', (req, socket, head) => {
    if (req.headers.authorization !== `Bearer ${token}` || !req.url?.startsWith('/exec/')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const q = new URL(req.url!, 'https://x').searchParams;
      const [cmd, ...args] = q.getAll('command');
      const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const frame = (ch: number, data: Buffer | string) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)]));
      child.stdout.on('data', (d) => frame(1, d));
      child.stderr.on('data', (d) => frame(2, d));
      ws.on('message', (m: Buffer) => {
        if (m[0] === 0) child.stdin.write(m.subarray(1));
        if (m[0] === 255 && m[1] === 0) child.stdin.end();
      });
      child.on('close', (code) => {
        const status = code === 0 ? { metadata: {}, status: 'Success' } : { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } };
        frame(3, JSON.stringify(status));
        ws.close(1000);
      });
    });
  });
  return new Promise((resolve) => kubelet.listen(0, '127.0.0.1', () => resolve((kubelet.address() as { port: number }).port)));
}

before(async () => {
  if (skip) return;
  f = await startApiFixture();
  const port = await startStandInKubelet(f.server.pki.adminToken);
  const t = targetFromKubeconfig(f.server.kubeconfigPath);
  await apiRequest(t, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node1' } });
  await apiRequest(t, 'PATCH', '/api/v1/nodes/node1/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }, 'application/merge-patch+json');
  for (const [name, node] of [['web', 'node1'], ['pending', undefined]] as const) {
    await apiRequest(t, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'c', image: 'busybox' }] } });
  }
  await apiRequest(t, 'PATCH', '/api/v1/namespaces/default/pods/web/status', { status: { phase: 'Running' } }, 'application/merge-patch+json');
  t.agent.destroy();
});
after(async () => {
  kubelet?.close();
  await f?.close();
});

test('kubectl logs through the API server to the node\'s kubelet API', { skip }, async () => {
  const r = await f.kubectl('logs web --tail=10');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'log of default/web/c tail=10\n');
  assert.ok(seenAuth.every((a) => a === `Bearer ${f.server.pki.adminToken}`), 'the API server authenticates to the kubelet');
  const pending = await f.kubectl('logs pending');
  assert.equal(pending.code, 1);
  assert.equal(pending.stderr.trim(), 'Error from server (BadRequest): pod pending does not have a host assigned');
});

test('kubectl logs -f streams until interrupted', { skip }, async () => {
  const child = spawn('kubectl', ['logs', '-f', 'web'], { env: f.env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const start = Date.now();
  while ((out.match(/tick/g)?.length ?? 0) < 3 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
  child.kill();
  assert.match(out, /^log of default\/web\/c tail=\ntick\ntick\ntick/);
});

test('kubectl exec: output, exit codes, stdin', { skip }, async () => {
  const hi = await f.kubectl('exec web -- echo hi');
  assert.equal(hi.code, 0, hi.stderr);
  assert.equal(hi.stdout, 'hi\n');
  const three = await f.kubectl(['exec', 'web', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
  assert.equal(three.code, 3);
  assert.match(three.stderr, /oops/);
  assert.match(three.stderr, /command terminated with exit code 3/);
  const cat = await f.kubectl('exec -i web -- cat', { input: 'x\n' });
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout, 'x\n');
  const none = await f.kubectl('exec pending -- true');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /does not have a host assigned/);
});
