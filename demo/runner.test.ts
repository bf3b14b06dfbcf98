/** The runner on small fake steps (plain shell commands): polling, skips, values, keep-going. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WalkthroughRunner } from './runner.js';
import { fail, pass, type Need, type Step } from './types.js';

function runner(have: Need[] = [], keepGoing = false) {
  const printed: string[] = [];
  const r = new WalkthroughRunner({ kubeconfig: '/nonexistent', fixturesDir: '/fx', manifestsDir: '/mf', have: new Set(have), vars: { nodeAddress: '192.0.2.1' }, keepGoing, print: (t) => printed.push(t), pollIntervalMs: 50 });
  return { r, printed };
}

test('a step learns a value that a later step fills into its command', async () => {
  const { r, printed } = runner();
  const steps: Step[] = [
    { id: '1.1', title: 'learn', needs: [], run: ['echo 10.244.0.9'], provides: ['podIP'], check: ([o]) => pass({ podIP: o.stdout.trim() }) },
    { id: '1.2', title: 'use', needs: [], run: ['echo curl http://{{podIP}} on {{nodeAddress}}'], check: ([o]) => (o.stdout.trim() === 'curl http://10.244.0.9 on 192.0.2.1' ? pass() : fail(o.stdout)) },
  ];
  const s = await r.runAll(steps);
  r.close();
  assert.equal(s.passed, 2, printed.join(''));
  assert.match(printed.join(''), /\$ echo curl http:\/\/10\.244\.0\.9 on 192\.0\.2\.1/);
});

test('polls until the check passes within withinMs, and fails with the reason after it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcnet-runner-'));
  const { r } = runner();
  const counter = join(dir, 'n');
  writeFileSync(counter, '');
  const eventually: Step = { id: '2.1', title: 't', needs: [], run: [`echo x >> ${counter}; wc -l < ${counter}`], withinMs: 5000, check: ([o]) => (Number(o.stdout) >= 3 ? pass() : fail(`only ${o.stdout.trim()}`)) };
  const never: Step = { id: '2.2', title: 't', needs: [], run: ['echo no'], withinMs: 200, check: () => fail('expected yes, saw: no') };
  const a = await r.runStep(eventually);
  const b = await r.runStep(never);
  r.close();
  rmSync(dir, { recursive: true });
  assert.equal(a.status, 'passed');
  assert.equal(a.tries, 3);
  assert.equal(b.status, 'failed');
  assert.match(b.reason!, /expected yes, saw: no \(still so after 0 s\)/);
});

test('skips steps whose component is missing, naming it, and steps after a failure unless keep-going', async () => {
  const steps: Step[] = [
    { id: '3.1', title: 'needs dns', needs: ['dns'], run: ['true'], check: () => pass() },
    { id: '3.2', title: 'fails', needs: [], run: ['false'], check: ([o]) => (o.code === 0 ? pass() : fail('exit 1')) },
    { id: '3.3', title: 'after', needs: [], run: ['true'], check: () => pass() },
  ];
  const stop = runner();
  const s1 = await stop.r.runAll(steps);
  assert.deepEqual(s1.results.map((x) => x.status), ['skipped', 'failed', 'skipped']);
  assert.match(s1.results[0].reason!, /needs svcnet dns/);
  const go = runner(['dns'], true);
  const s2 = await go.r.runAll(steps);
  assert.deepEqual(s2.results.map((x) => x.status), ['passed', 'failed', 'passed']);
  stop.r.close();
  go.r.close();
});

test('a step needing a value no earlier step learnt is skipped, naming the step meant to learn it', async () => {
  const { r } = runner([], true);
  const steps: Step[] = [
    { id: '4.1', title: 'learns', needs: [], run: ['false'], provides: ['clusterIP'], check: () => fail('no IP') },
    { id: '4.2', title: 'uses', needs: [], run: ['curl {{clusterIP}}'], check: () => pass() },
  ];
  const s = await r.runAll(steps);
  r.close();
  assert.equal(s.results[1].status, 'skipped');
  assert.match(s.results[1].reason!, /needs \{\{clusterIP\}\}, which step 4\.1 sets/);
});

test('setup runs once; a failing setup fails the step with its output', async () => {
  const { r } = runner();
  const res = await r.runStep({ id: '5.1', title: 't', needs: [], setup: ['echo boom >&2; exit 3'], run: ['true'], check: () => pass() });
  r.close();
  assert.equal(res.status, 'failed');
  assert.match(res.reason!, /setup command failed: echo boom.*: boom/);
});
