/**
 * `svcnet demo`: runs the user walkthrough (../shared/scenarios/walkthrough.md) against the
 * running stack with the real kubectl, printing every command, its output and ✓/✗; then removes
 * what it created unless --keep.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { detectComponents, hasProxyRender } from '../demo/components.js';
import { defaultFixturesDir, manifestsDir } from '../demo/paths.js';
import { formatSummary, WalkthroughRunner } from '../demo/runner.js';
import { cleanupCommands, matchesId, walkthroughSteps } from '../demo/steps.js';
import type { Step } from '../demo/types.js';
import { CliError, defaultDataDir, flagHelp, parseFlags, type FlagSpec } from './flags.js';

const flags = {
  'data-dir': { type: 'string', default: '', help: 'the data dir of the running stack (root: /var/lib/svcnet)' },
  from: { type: 'string', default: '', help: 'start at this step (e.g. 5.1); earlier steps only supply their values' },
  only: { type: 'string', default: '', help: 'run only these steps (comma-separated; 6.1 selects 6.1a, 6.1b, …)' },
  'keep-going': { type: 'boolean', default: false, help: 'run on after a failed step' },
  keep: { type: 'boolean', default: false, help: 'keep what the demo created (default: delete it at the end)' },
  fixtures: { type: 'string', default: '', help: 'the walkthrough manifests (default: ../shared/fixtures/walkthrough)' },
  'node-address': { type: 'string', default: '', help: "the node's address (default: the Node's InternalIP)" },
} satisfies FlagSpec;

function selector(from: string, only: string): (s: Step) => boolean {
  const wanted = only.split(',').map((x) => x.trim()).filter(Boolean);
  if (wanted.length) return (s) => wanted.some((w) => matchesId(s.id, w));
  if (!from) return () => true;
  const start = walkthroughSteps.findIndex((s) => matchesId(s.id, from));
  if (start < 0) throw new CliError(`demo: no step ${from}; steps are ${walkthroughSteps.map((s) => s.id).join(' ')}`);
  return (s) => walkthroughSteps.indexOf(s) >= start;
}

async function nodeAddress(runner: WalkthroughRunner): Promise<string> {
  const out = await runner.exec(`kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}'`);
  return out.stdout.trim() || '127.0.0.1';
}

export async function runDemo(argv: string[]): Promise<number> {
  const { values, help } = parseFlags(argv, flags, 'demo');
  if (help) {
    process.stdout.write(flagHelp('demo', 'Runs the walkthrough against the running svcnet: every command, its output, ✓ or ✗.', flags));
    return 0;
  }
  const dataDir = (values['data-dir'] as string) || defaultDataDir();
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  if (!existsSync(kubeconfig)) throw new CliError(`demo: no ${kubeconfig}; start svcnet first (\`svcnet up --data-dir ${dataDir}\`)`);
  const selected = selector(values.from as string, values.only as string);
  const runner = new WalkthroughRunner({
    kubeconfig,
    fixturesDir: (values.fixtures as string) || defaultFixturesDir(),
    manifestsDir: manifestsDir(),
    have: new Set(),
    vars: {},
    keepGoing: Boolean(values['keep-going']),
    print: (t) => process.stdout.write(t),
  });
  try {
    const have = await detectComponents((c, w) => runner.exec(c, w), dataDir);
    if (await hasProxyRender((c, w) => runner.exec(c, w))) have.add('proxy-render');
    runner.setHave(have);
    runner.vars.nodeAddress = (values['node-address'] as string) || (await nodeAddress(runner));
    process.stdout.write(`svcnet demo: node address ${runner.vars.nodeAddress}; stack has ${[...have].join(', ') || 'the API server only'}\n`);
    const summary = await runner.runAll(walkthroughSteps, selected);
    process.stdout.write(formatSummary(summary));
    if (!values.keep) {
      process.stdout.write('removing what the demo created (--keep keeps it)…\n');
      await runner.runQuietly(cleanupCommands);
    }
    return summary.failed ? 1 : 0;
  } finally {
    runner.close();
  }
}
