/**
 * `kubectl logs -f` as a user runs it: the real kubectl, through the API server (`svcnet server`)
 * to the real agent. Both run as children in a network namespace made for the test, so the API
 * server reaches the agent's kubelet API at the node address as in a cluster; kubectl runs in that
 * namespace too. Lines written after the follow started must arrive, and the command must end when
 * the container exits or the pod is deleted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlAvailable } from '../../testing/api-fixture.js';
import { svcnetCommand, waitForOutput } from '../../testing/spawn-svcnet.js';
import { canRunNodeTests, TestNode } from './netns-harness.js';
import { waitFor } from './helpers.js';

const skip = canRunNodeTests() ?? (kubectlAvailable() ? undefined : 'kubectl is not installed');
if (skip) process.stdout.write(`# kubectl logs tests skipped: ${skip}\n`);

/** A running `kubectl logs -f`: what it printed so far, and its exit. */
interface Follow {
  out: () => string;
  exited: Promise<number | null>;
  child: ChildProcess;
}

describe('kubectl logs -f through the API server to the agent', { skip, timeout: 180_000 }, () => {
  let node: TestNode;
  let server: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  const follows: ChildProcess[] = [];

  const inNode = (cmd: string, args: string[]) => spawn('nsenter', [`--net=/run/netns/${node.netns}`, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });

  const kubectl = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = inNode('kubectl', args);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  const follow = (pod: string): Follow => {
    const child = inNode('kubectl', ['logs', '-f', pod]);
    follows.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    return { out: () => out, exited: new Promise((resolve) => child.on('close', (code) => resolve(code))), child };
  };

  const apply = async (manifest: object) => {
    const file = join(node.root, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(manifest));
    const r = await kubectl(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };

  const busyboxPod = (name: string, script: string, restartPolicy = 'Always') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    // No scheduler runs here: the pod is bound to the test node directly.
    spec: { nodeName: `node-${node.netns.slice(-6)}`, restartPolicy, terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', script] }] },
  });

  const waitPodRunning = (name: string) =>
    waitFor(`${name} Running`, async () => ((await kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined), 30_000, 200);

  before(async () => {
    node = new TestNode();
    await node.setup();
    const home = join(node.root, 'home');
    mkdirSync(home, { recursive: true });
    const dataDir = join(node.root, 'server');
    const { command, args } = svcnetCommand();
    server = spawn('nsenter', [`--net=/run/netns/${node.netns}`, command, ...args, 'server', '--data-dir', dataDir, '--listen', '127.0.0.1:6443'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const printed = await waitForOutput(server, /kubeconfig: (\S+)\n/);
    const kubeconfig = /kubeconfig: (\S+)\n/.exec(printed)![1];
    env = { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, 'kube-cache'), KUBECONFIG: kubeconfig, LANG: 'C' };
    await node.startAgent(kubeconfig);
  });

  after(async () => {
    for (const f of follows) f.kill('SIGKILL');
    await node?.close();
    if (server && server.exitCode === null) {
      const gone = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await gone;
    }
  });

  it('streams lines written after the follow started, and ends when the pod is deleted', async () => {
    const go = join(node.root, 'go');
    await apply(busyboxPod('talker', `echo before; while [ ! -e ${go} ]; do sleep 0.1; done; for i in 1 2 3; do echo after $i; sleep 0.2; done; exec sleep 3600`));
    await waitPodRunning('talker');
    const f = follow('talker');
    await waitFor('the follow printing what was there', () => (f.out().includes('before\n') ? true : undefined), 15_000);
    assert.ok(!f.out().includes('after'), 'nothing after yet');
    writeFileSync(go, '');
    await waitFor('lines written after the follow started', () => (f.out().includes('after 3\n') ? true : undefined), 15_000);
    assert.equal(f.out(), 'before\nafter 1\nafter 2\nafter 3\n');
    const del = await kubectl(['delete', 'pod', 'talker', '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    const code = await Promise.race([f.exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
    assert.equal(code, 0, `kubectl logs -f ends when the pod is deleted: ${f.out()}`);
  });

  it('ends when the container exits', async () => {
    const go = join(node.root, 'go-short');
    await apply(busyboxPod('short', `echo one; while [ ! -e ${go} ]; do sleep 0.1; done; echo two; exit 0`, 'Never'));
    await waitPodRunning('short');
    const f = follow('short');
    await waitFor('the follow printing what was there', () => (f.out().includes('one\n') ? true : undefined), 15_000);
    writeFileSync(go, '');
    const code = await Promise.race([f.exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
    assert.equal(code, 0, f.out());
    assert.equal(f.out(), 'one\ntwo\n');
  });
});
