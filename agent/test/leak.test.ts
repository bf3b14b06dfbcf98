/**
 * Leak and restart-safety tests: 200 pods created and deleted leave no namespace, link, address
 * or process; an agent restarted after its pods were force-deleted removes what they left; and
 * `close({removePods: true})` (--remove-pods-on-exit) removes every pod and the bridge. Sandbox
 * holders (net/sandbox-holder.ts) and sandbox directories go with their sandboxes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiFixture, type ApiFixture } from '../../testing/api-fixture.js';
import { clientFromKubeconfig, type ApiClient } from '../../client/index.js';
import { canRunNodeTests, sh, TestNode } from './netns-harness.js';
import { getPod, podManifest, podsRI, waitFor } from './helpers.js';
import { isAlive } from '../runtime/container-process.js';
import { podNetnsName } from '../names.js';
import { sandboxDirHashes } from '../net/sandbox-holder.js';
import type { Pod } from '../pod/types.js';

const skip = canRunNodeTests();
if (skip) process.stdout.write(`# agent leak tests skipped: ${skip}\n`);

function recordedPids(node: TestNode): number[] {
  const dir = join(node.dataDir, 'agent', 'pods');
  if (!existsSync(dir)) return [];
  return sh('sh', ['-c', `cat ${dir}/*/state.json 2>/dev/null`]).stdout.match(/"pid":\d+/g)?.map((m) => Number(m.slice(6))) ?? [];
}

/** Pids of the sandbox holders (net/sandbox-holder.ts) the agent's pod records name. */
function recordedHolderPids(node: TestNode): number[] {
  const dir = join(node.dataDir, 'agent', 'pods');
  if (!existsSync(dir)) return [];
  return sh('sh', ['-c', `cat ${dir}/*/state.json 2>/dev/null`]).stdout.match(/"holderPid":\d+/g)?.map((m) => Number(m.slice(12))) ?? [];
}

/** Processes in the given pod namespaces (a pooled sandbox has its holder there). */
function processesIn(hashes: string[]): number[] {
  return hashes.flatMap((h) => sh('ip', ['netns', 'pids', podNetnsName(h)]).stdout.split('\n').filter(Boolean).map(Number));
}

function podNamespacesOf(hashes: string[]): string[] {
  const list = sh('ip', ['netns', 'list']).stdout;
  return hashes.map(podNetnsName).filter((n) => list.includes(n));
}

async function allRunning(client: ApiClient, names: string[]): Promise<Pod[]> {
  return waitFor(`${names.length} pods Running`, async () => {
    const items = (await client.list<Pod>(podsRI, 'default')).items.filter((p) => names.includes(p.metadata.name!));
    return items.length === names.length && items.every((p) => p.status?.phase === 'Running') ? items : undefined;
  }, 180_000, 500);
}

describe('agent leaves nothing behind', { skip, timeout: 600_000 }, () => {
  let fx: ApiFixture;
  let node: TestNode;
  let client: ApiClient;
  let nodeName: string;
  let kubeconfig: string;

  before(async () => {
    fx = await startApiFixture();
    node = new TestNode();
    await node.setup(Number(new URL(fx.server.url).port));
    client = await clientFromKubeconfig({ path: fx.server.kubeconfigPath });
    kubeconfig = node.kubeconfigFor(fx.server.kubeconfigPath);
    await node.startAgent(kubeconfig);
    nodeName = `node-${node.netns.slice(-6)}`;
  });

  after(async () => {
    await node?.close();
    client?.close();
    await fx?.close();
  });

  it('creates and deletes 200 pods without leaking namespaces, links, addresses or processes', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `leak-${i}`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(names.slice(i, i + 20).map((n) => client.create(podsRI, 'default', podManifest(n, nodeName, { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }))));
    }
    const pods = await allRunning(client, names);
    const ips = new Set(pods.map((p) => p.status!.podIP));
    assert.equal(ips.size, 200, 'every pod has its own address');
    const hashes = node.recordedHashes();
    assert.equal(hashes.length, 200);
    const pids = recordedPids(node);
    assert.equal(pids.length, 200);
    const holders = recordedHolderPids(node);
    assert.equal(holders.filter(isAlive).length, 200, 'every pod sandbox has its holder');
    assert.equal(podNamespacesOf(hashes).length, 200);

    for (let i = 0; i < names.length; i += 20) await Promise.all(names.slice(i, i + 20).map((n) => client.delete(podsRI, 'default', n)));
    await waitFor('all pods gone', async () => ((await client.list<Pod>(podsRI, 'default')).items.some((p) => p.metadata.name!.startsWith('leak-')) ? undefined : true), 120_000, 500);

    assert.deepEqual(podNamespacesOf(hashes), [], 'no pod namespace left');
    const links = node.run('ip', ['-o', 'link', 'show']).stdout;
    assert.equal(hashes.filter((h) => links.includes(`svcnet${h}`)).length, 0, 'no host-side link left');
    assert.deepEqual(pids.filter(isAlive), [], 'no container process left');
    // Killed holders linger as zombies until init reaps them.
    await waitFor('holders gone', () => (holders.some(isAlive) ? undefined : true), 5_000);
    // Directories first: a pooled sandbox's marker is written before its directory.
    const dirs = sandboxDirHashes(join(node.dataDir, 'agent'));
    const pool = node.poolHashes();
    assert.deepEqual(dirs.filter((h) => !pool.includes(h)), [], 'no sandbox directory left but the pool\'s');
    const ipam = JSON.parse(readFileSync(join(node.dataDir, 'agent', 'ipam.json'), 'utf8')) as { allocations: Record<string, string> };
    // The sandbox pool refills once the node is idle: its addresses are the pool's, not the pods'.
    assert.deepEqual(Object.values(ipam.allocations).filter((owner) => !owner.startsWith('sandbox-pool/')), [], 'every pod address released');
    assert.deepEqual(node.recordedHashes(), []);
  });

  it('removes what force-deleted pods left while the agent was down', async () => {
    await client.create(podsRI, 'default', podManifest('orphan', nodeName, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    await allRunning(client, ['orphan']);
    const hashes = node.recordedHashes();
    const pids = recordedPids(node);
    const pooled = await waitFor('pooled sandboxes', () => (node.poolHashes().length > 0 ? node.poolHashes() : undefined));
    await node.stopAgent();
    assert.ok(pids.every(isAlive), 'stopping the agent leaves pods running');
    assert.deepEqual(podNamespacesOf(pooled), [], 'stopping the agent removes its pooled sandboxes');
    assert.deepEqual(node.poolHashes(), []);
    await client.delete(podsRI, 'default', 'orphan', { gracePeriodSeconds: 0 });
    await node.startAgent(kubeconfig);
    assert.deepEqual(podNamespacesOf(hashes), []);
    // Killed processes linger as zombies until init reaps them.
    await waitFor('orphan processes gone', () => (pids.some(isAlive) ? undefined : true), 5_000);
    assert.equal(await getPod(client, 'orphan'), undefined);
  });

  it('removes the pooled sandboxes a killed agent left', async () => {
    const pooled = await waitFor('pool full', () => (node.poolReady() >= 32 ? node.poolHashes() : undefined), 60_000);
    const agent = node.agent!;
    const exited = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGKILL');
    await exited;
    node.agent = undefined;
    assert.equal(podNamespacesOf(pooled).length, pooled.length, 'a killed agent leaves its pool');
    const holders = processesIn(pooled);
    assert.ok(holders.length >= pooled.length, 'each pooled sandbox has its holder');
    await node.startAgent(kubeconfig);
    assert.deepEqual(podNamespacesOf(pooled), [], 'the next agent removes it');
    const links = node.run('ip', ['-o', 'link', 'show']).stdout;
    assert.equal(pooled.filter((h) => links.includes(`svcnet${h}`)).length, 0, 'and its links');
    await waitFor('pool holders gone', () => (holders.some(isAlive) ? undefined : true), 5_000);
    assert.deepEqual(pooled.filter((h) => sandboxDirHashes(join(node.dataDir, 'agent')).includes(h)), [], 'and its sandbox directories');
  });

  it('close({removePods: true}) stops every pod and removes every namespace, link and the bridge', async () => {
    for (const n of ['rm-1', 'rm-2']) await client.create(podsRI, 'default', podManifest(n, nodeName, { containers: [{ name: 'c', image: 'nginx' }] }));
    await allRunning(client, ['rm-1', 'rm-2']);
    const hashes = node.recordedHashes();
    const pids = [...recordedPids(node), ...recordedHolderPids(node)];
    await node.stopAgent();
    await node.startAgent(kubeconfig, ['--remove-pods-on-exit']);
    await node.stopAgent();
    assert.deepEqual(podNamespacesOf(hashes), [], node.agentLog.slice(-3000));
    assert.deepEqual(node.poolHashes(), [], 'no pooled sandbox left');
    await waitFor('pod processes gone', () => (pids.some(isAlive) ? undefined : true), 5_000);
    assert.doesNotMatch(node.run('ip', ['-o', 'link', 'show']).stdout, /svcnet/);
    assert.deepEqual(sandboxDirHashes(join(node.dataDir, 'agent')), [], 'no sandbox directory left');
  });
});
