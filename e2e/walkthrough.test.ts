/**
 * The walkthrough end to end: `svcnet up` in a network namespace made for the test, every step of
 * ../shared/scenarios/walkthrough.md through the demo runner (client-side steps from a second
 * namespace standing for a machine outside), then a restart on the same data dir, then
 * `svcnet down` and a count of what is left. Steps whose component `svcnet up` does not run yet
 * are skipped, naming the component, so this test becomes the real gate as components land.
 * SVCNET_E2E_VERBOSE=1 prints every command and its output; SVCNET_FIXTURES=DIR reads the
 * walkthrough manifests from DIR instead of ../shared/fixtures/walkthrough.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasProxyRender } from '../demo/components.js';
import { defaultFixturesDir, manifestsDir } from '../demo/paths.js';
import { WalkthroughRunner } from '../demo/runner.js';
import { walkthroughSteps } from '../demo/steps.js';
import type { Need } from '../demo/types.js';
import { snapshot, serviceDifferences, podDifferences } from './cluster-state.js';
import { leftovers } from './leftovers.js';
import { clientAddress, createLab, labSkipReason, nodeAddress, notePodHashes, startUp, type NodeLab, type UpProcess } from './node-lab.js';

const verbose = process.env.SVCNET_E2E_VERBOSE === '1';
/** Steps repeated after the restart (read-only ones: they re-learn pod IPs and use the kept node port). */
const afterRestart = ['1.2', '1.3', '5.3', '7.2'];

function makeRunner(lab: NodeLab, have: Set<Need>, transcript: string[]): WalkthroughRunner {
  return new WalkthroughRunner({
    kubeconfig: `${lab.dataDir}/kubeconfig.yaml`,
    fixturesDir: process.env.SVCNET_FIXTURES || defaultFixturesDir(),
    manifestsDir: manifestsDir(),
    nodeNetns: lab.nodeNetns,
    clientNetns: lab.clientNetns,
    have,
    vars: { nodeAddress, clientAddress },
    keepGoing: true,
    print: (t) => {
      transcript.push(t);
      if (verbose) process.stderr.write(t);
    },
  });
}

/**
 * Steps with an open bug, and what it is: reported as a TODO instead of gating the run. Empty now:
 * 8.2 (an exit 139 seen once from `kubectl exec … wget`) was not reproduced in ~3,300 attempts
 * after the echo server moved to Content-Length answers, and the step retries within its window.
 */
const knownIssues: Record<string, string | undefined> = {};

test('the walkthrough end to end on a node in its own network namespace', { skip: labSkipReason(), timeout: 25 * 60_000 }, async (t) => {
  const lab = createLab();
  let up: UpProcess | undefined;
  const transcript: string[] = [];
  let runner: WalkthroughRunner | undefined;
  try {
    up = await startUp(lab);
    const have = new Set<Need>([...up.components, 'outside-client']);
    runner = makeRunner(lab, have, transcript);
    if (await hasProxyRender((c, w) => runner!.exec(c, w))) have.add('proxy-render');
    t.diagnostic(`svcnet up ready in ${up.readyMs} ms with: api-server, ${[...up.components].join(', ')}`);

    await t.test('svcnet up ends with a summary of where everything is', () => {
      const out = up!.output();
      for (const line of [/✓ api-server /, /API server:\s+https:\/\//, /kubeconfig:\s+\S+kubeconfig\.yaml/, /export KUBECONFIG=\S+/]) assert.match(out, line);
      if (up!.components.has('agent')) assert.match(out, new RegExp(`node:\\s+\\S+ at ${nodeAddress.replaceAll('.', '\\.')}, pods in 10\\.244\\.\\d+\\.0/24`));
      if (up!.components.has('dns')) assert.match(out, /DNS:\s+10\.96\.0\.10 \(kube-dns\), served on 10\.244\.\d+\.1:53/);
      if (up!.components.has('ingress')) assert.match(out, /ingress:\s+HTTP 0\.0\.0\.0:80, HTTPS 0\.0\.0\.0:443/);
    });

    for (const step of walkthroughSteps) {
      // A known, open bug is reported as a TODO (its result and reason are printed every run)
      // instead of gating the run; the list stays short and each entry says what is wrong.
      await t.test(`${step.id} ${step.title}`, { todo: knownIssues[step.id] }, async (st) => {
        const mark = transcript.length;
        const r = await runner!.runStep(step);
        notePodHashes(lab);
        if (r.status === 'skipped') return st.skip(r.reason);
        assert.equal(r.status, 'passed', `${r.reason}\n${transcript.slice(mark).join('')}`);
      });
    }

    await t.test('a restart on the same data dir keeps the objects and their addresses', async (st) => {
      const before = await snapshot(runner!);
      notePodHashes(lab); // a pod's netns may be a pooled sandbox's, not named after its UID: read the links
      assert.equal(await up!.stop(), 0, `svcnet up did not exit cleanly on SIGTERM:\n${up!.output().slice(-3000)}`);
      up = await startUp(lab);
      const after = await waitForPodIPs(runner!, before.pods.size, up.components.has('agent'));
      assert.deepEqual(serviceDifferences(before, after), [], 'cluster IPs and node ports must survive a restart');
      const pods = podDifferences(before, after);
      assert.deepEqual(pods.filter((d) => !/: IP was /.test(d)), [], 'every pod must survive a restart');
      if (up.components.has('agent')) assert.deepEqual([...after.pods].filter(([, ip]) => !ip).map(([k]) => k), [], 'every pod must have an IP again after the restart');
      // `svcnet up` tears pods down on SIGTERM, so new sandboxes may get new addresses (as after a node reboot).
      if (pods.length) st.diagnostic(`pod IPs changed across the restart: ${pods.join('; ')}`);
    });

    // After the restart the node must serve again, not just remember: pods, node port, Ingress.
    for (const id of afterRestart) {
      const step = walkthroughSteps.find((s) => s.id === id)!;
      await t.test(`after the restart: ${step.id} ${step.title}`, async (st) => {
        const mark = transcript.length;
        const r = await runner!.runStep(step);
        notePodHashes(lab);
        if (r.status === 'skipped') return st.skip(r.reason);
        assert.equal(r.status, 'passed', `${r.reason}\n${transcript.slice(mark).join('')}`);
      });
    }

    await t.test('svcnet down leaves no namespace, link, rule or process behind', async () => {
      notePodHashes(lab);
      const down = await runner!.exec(`svcnet down --data-dir '${lab.dataDir}'`);
      assert.equal(down.code, 0, down.all);
      await up!.stop(30_000);
      assert.deepEqual(leftovers(lab), []);
    });
  } finally {
    await up?.stop(10_000);
    runner?.close();
    await lab.close();
  }
});

/** After a restart the agent re-reports pods; wait (up to 60 s) until they have their IPs again. */
async function waitForPodIPs(runner: WalkthroughRunner, count: number, agent: boolean) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = await snapshot(runner);
    const withIP = [...s.pods.values()].filter(Boolean).length;
    if (!agent || (s.pods.size >= count && withIP >= count) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
