/** `svcnet dns` as a process: flags, serving from a real API server, clean exit on SIGTERM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runDns } from '../cli/dns-command.js';
import { startApiFixture } from '../testing/api-fixture.js';
import { waitForOutput } from '../testing/spawn-svcnet.js';
import { dig, skipWithoutDig } from './testing/dig.js';


test('runDns rejects bad flags before starting anything', async () => {
  await assert.rejects(runDns(['--ttl', '4000']), /--ttl must be an integer 0-3600/);
  await assert.rejects(runDns(['--pods', 'verified']), /--pods must be insecure or disabled/);
  await assert.rejects(runDns(['--nope']), /dns: Unknown option/);
});

test('svcnet dns serves the API server and stops on SIGTERM', { skip: skipWithoutDig, timeout: 120_000 }, async (t) => {
  const api = await startApiFixture();
  t.after(() => api.close());
  // From sources the sibling is .ts (run with tsx); from the compiled dist/ tree it is .js.
  const cli = fileURLToPath(new URL(`../cli/dns-command.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));
  const script = `import(${JSON.stringify(cli)}).then((m) => m.runDns(process.argv.slice(1))).then((code) => process.exit(code))`;
  const args = ['--kubeconfig', api.server.kubeconfigPath, '--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:9', '--ttl', '5', '--health-listen', '', '--ready-listen', '', '--metrics-listen', ''];
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SVCNET_LOG_LEVEL: 'error' } });
  t.after(() => child.kill('SIGKILL'));
  // Port 0: the server picks one free for both UDP and TCP and says which.
  const out = await waitForOutput(child, /udp\+tcp port \d+/, 60_000);
  const port = Number(/udp\+tcp port (\d+)/.exec(out)![1]);
  let r = await dig(port, 'kubernetes.default.svc.cluster.local', 'A');
  for (let i = 0; i < 50 && r.answer.length === 0; i++) {
    await new Promise((res) => setTimeout(res, 100));
    r = await dig(port, 'kubernetes.default.svc.cluster.local', 'A');
  }
  assert.deepEqual(r.answer, ['kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1']);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
