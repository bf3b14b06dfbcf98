/**
 * Benchmark of the whole node, run like the end-to-end test (in namespaces the bench makes):
 * time from `svcnet up` to every component ready (goal < 3 s), RSS of the idle stack
 * (goal < 200 MB), and the time of the whole walkthrough with what passed, failed and was skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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

/** The process and all its descendants (before any pod runs, these are all the stack's). */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

function treeRssMB(root: number): number {
  let sum = 0;
  for (const pid of processTree(root)) {
    try {
      sum += rssMB(pid);
    } catch {
      // exited
    }
  }
  return Math.round(sum * 10) / 10;
}

/** `✓ <component> <summary> (<ms> ms)` lines of `svcnet up`. */
function componentReadyMs(up: UpProcess): Record<string, number> {
  return Object.fromEntries([...up.output().matchAll(/^✓ (\S+)\s.*\((\d+) ms\)$/gm)].map((m) => [m[1], Number(m[2])]));
}

function upReportedMs(up: UpProcess): number | undefined {
  const m = /svcnet is up in (\d+) ms/.exec(up.output());
  return m ? Number(m[1]) : undefined;
}

export async function benchWalkthrough(): Promise<Record<string, unknown>> {
  const skip = labSkipReason();
  if (skip) return { skipped: skip };
  const loadAtStart = loadavg().map((l) => Math.round(l * 10) / 10);
  const lab = createLab();
  let up: UpProcess | undefined;
  let runner: WalkthroughRunner | undefined;
  try {
    up = await startUp(lab);
    const components = ['api-server', ...up.components];
    await new Promise((r) => setTimeout(r, 3000));
    const idleRssMB = rssMB(up.child.pid!);
    const idleTreeRssMB = treeRssMB(up.child.pid!);
    const have = new Set<Need>([...up.components, 'outside-client']);
    runner = new WalkthroughRunner({ kubeconfig: `${lab.dataDir}/kubeconfig.yaml`, fixturesDir: defaultFixturesDir(), manifestsDir: manifestsDir(), nodeNetns: lab.nodeNetns, clientNetns: lab.clientNetns, have, vars: { nodeAddress, clientAddress }, keepGoing: true });
    if (await hasProxyRender((c, w) => runner!.exec(c, w))) have.add('proxy-render');
    const summary = await runner.runAll(walkthroughSteps);
    notePodHashes(lab);
    const loadedRssMB = rssMB(up.child.pid!);
    return {
      components,
      loadAverage: { atStart: loadAtStart, note: '1, 5, 15 min; a busy shared machine inflates every time here' },
      upToReadyMs: { measured: up.readyMs, reportedByUp: upReportedMs(up), perComponent: componentReadyMs(up), goal: 3000, note: 'measured = from spawning the CLI (node start-up included) to "svcnet is up"' },
      idleRssMB: { value: idleRssMB, withChildren: idleTreeRssMB, goal: 200, note: 'the svcnet up process (and its child processes), 3 s after it is up, before any workload' },
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
