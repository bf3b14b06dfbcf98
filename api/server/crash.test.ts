/**
 * Crash safety of the whole API server: `kill -9` in the middle of a burst of Service creates
 * (each allocating a cluster IP and a node port). After a restart on the same data dir every
 * acknowledged Service is there, unchanged, and no address or port is handed out twice.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSvcnet, waitForOutput } from '../../testing/spawn-svcnet.js';
import { apiRequest, targetFromKubeconfig } from '../../testing/api-request.js';

async function startServer(dataDir: string, port: number) {
  const child = spawnSvcnet(['server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--advertise-address', '192.0.2.10']);
  await waitForOutput(child, /API server ready/);
  return { child, target: targetFromKubeconfig(join(dataDir, 'kubeconfig.yaml')) };
}

function service(i: number) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: `crash-${i}` }, spec: { type: 'NodePort', selector: { app: `a${i}` }, ports: [{ port: 80 }] } };
}

test('kill -9 during a burst of writes loses no acknowledged object and no allocation', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'svcnet-crash-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  let server = await startServer(dataDir, port);
  try {
    const acked = new Map<string, any>();
    let i = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const n = i++;
        try {
          const r = await apiRequest(server.target, 'POST', '/api/v1/namespaces/default/services', service(n));
          if (r.status === 201) acked.set(`crash-${n}`, r.json());
        } catch {
          return; // the connection died with the server
        }
      }
    };
    const writers = Array.from({ length: 8 }, writer);
    while (acked.size < 300) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await new Promise((r) => server.child.once('exit', r));
    assert.ok(acked.size >= 300);

    server = await startServer(dataDir, port);
    const list = (await apiRequest(server.target, 'GET', '/api/v1/namespaces/default/services')).json();
    const byName = new Map<string, any>(list.items.map((s: any) => [s.metadata.name, s]));
    for (const [name, obj] of acked) {
      assert.deepEqual(byName.get(name), obj, `${name} survived unchanged`);
    }
    const ips = list.items.map((s: any) => s.spec.clusterIP);
    const ports = list.items.flatMap((s: any) => s.spec.ports.map((p: any) => p.nodePort).filter(Boolean));
    assert.equal(new Set(ips).size, ips.length, 'cluster IPs unique');
    assert.equal(new Set(ports).size, ports.length, 'node ports unique');
    // The rebuilt allocator refuses what the stored Services hold and hands out fresh values.
    const taken = acked.values().next().value;
    const dup = await apiRequest(server.target, 'POST', '/api/v1/namespaces/default/services', {
      ...service(999999),
      spec: { ...service(999999).spec, ports: [{ port: 80, nodePort: taken.spec.ports[0].nodePort }] },
    });
    assert.equal(dup.status, 422);
    assert.match(dup.json().message, /provided port is already allocated/);
    const fresh = await apiRequest(server.target, 'POST', '/api/v1/namespaces/default/services', service(1000000));
    assert.equal(fresh.status, 201);
    assert.ok(!ips.includes(fresh.json().spec.clusterIP));
    assert.ok(!ports.includes(fresh.json().spec.ports[0].nodePort));
  } finally {
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('SIGTERM stops the server cleanly (exit 0) and a restart serves the same objects', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'svcnet-term-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  let server = await startServer(dataDir, port);
  try {
    const created = (await apiRequest(server.target, 'POST', '/api/v1/namespaces/default/services', service(1))).json();
    server.target.agent.destroy();
    const exited = new Promise<number | null>((r) => server.child.once('exit', (code) => r(code)));
    server.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    server = await startServer(dataDir, port);
    const again = (await apiRequest(server.target, 'GET', '/api/v1/namespaces/default/services/crash-1')).json();
    assert.deepEqual(again, created);
    const k = (await apiRequest(server.target, 'GET', '/api/v1/namespaces/default/services/kubernetes')).json();
    assert.equal(k.spec.clusterIP, '10.96.0.1');
  } finally {
    server.target.agent.destroy();
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
