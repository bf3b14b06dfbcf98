/**
 * Benchmark of the whole node, run like the end-to-end test (in namespaces the bench makes):
 * time from `svcnet up` to every component ready (goal < 3 s), RSS of the idle stack
 * (goal < 200 MB), and the time of the whole walkthrough with what passed, failed and was skipped.
 */
import { readFileSync } from 'node:fs';
import { createLab, clientAddress, labSkipReason, nodeAddress, notePodHashes, startUp, type UpProcess } from '../e2e/node-lab.js';
import { hasProxyRender } from './components.js';
import { defaultFixturesDir, manifestsDir } from './paths.js';
import { WalkthroughRunner } from './runner.js';
import { walkthroughSteps } from './steps.js';
import type { Need } from './types.js';

/** Resident memory of one process, in MB. */
function rssMB(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

function upReportedMs(up: UpProcess): number | undefined {
  const m = /svcnet is up in (\d+) ms/.exec(up.output());
  return m ? Number(m[1]) : undefined;
}

export async function benchWalkthrough(): Promise<Record<string, unknown>> {
  const skip = labSkipReason();
  if (skip) return { skipped: skip };
  const lab = createLab();
  let up: UpProcess | undefined;
  let runner: WalkthroughRunner | undefined;
  try {
    up = await startUp(lab);
    const components = ['api-server', ...up.components];
    await new Promise((r) => setTimeout(r, 3000));
    const idleRssMB = rssMB(up.child.pid!);
    const have = new Set<Need>([...up.components, 'outside-client']);
    runner = new WalkthroughRunner({ kubeconfig: `${lab.dataDir}/kubeconfig.yaml`, fixturesDir: defaultFixturesDir(), manifestsDir: manifestsDir(), nodeNetns: lab.nodeNetns, clientNetns: lab.clientNetns, have, vars: { nodeAddress, clientAddress }, keepGoing: true });
    if (await hasProxyRender((c, w) => runner!.exec(c, w))) have.add('proxy-render');
    const summary = await runner.runAll(walkthroughSteps);
    notePodHashes(lab);
    const loadedRssMB = rssMB(up.child.pid!);
    return {
      components,
      upToReadyMs: { measured: up.readyMs, reportedByUp: upReportedMs(up), goal: 3000, note: 'measured = from spawning the CLI (node start-up included) to "svcnet is up"' },
      idleRssMB: { value: idleRssMB, goal: 200, note: 'the svcnet up process, 3 s after it is up, before any workload' },
      rssAfterWalkthroughMB: loadedRssMB,
      walkthrough: { ms: summary.ms, passed: summary.passed, failed: summary.failed, skipped: summary.skipped, failures: summary.results.filter((r) => r.status === 'failed').map((r) => `${r.id}: ${r.reason}`) },
      steps: Object.fromEntries(summary.results.map((r) => [r.id, r.status === 'passed' ? r.ms : r.status])),
    };
  } finally {
    await up?.stop(30_000);
    runner?.close();
    await lab.close();
  }
}
