/**
 * What a running stack offers, for deciding which steps can run: the components `svcnet up`
 * reports as ready, and whether the CLI has `svcnet proxy render`.
 */
import type { Need } from './types.js';
import type { Output, Where } from './types.js';

const componentNeeds: Need[] = ['controllers', 'agent', 'proxy', 'dns', 'ingress'];

/** `svcnet up` prints `✓ <component> …` as each component becomes ready. */
export function componentsFromUpOutput(text: string): Set<Need> {
  const names = [...text.matchAll(/^✓ (\S+)/gm)].map((m) => m[1]);
  return new Set(componentNeeds.filter((n) => names.includes(n)));
}

type Exec = (cmdline: string, where?: Where) => Promise<Output>;

/**
 * For a stack started elsewhere (`svcnet demo`): proxy, dns and ingress from `svcnet status`,
 * the agent from a registered Node, and the controllers assumed (nothing shows them from outside).
 */
export async function detectComponents(exec: Exec, dataDir: string): Promise<Set<Need>> {
  const have = new Set<Need>(['controllers']);
  const status = await exec(`svcnet status --data-dir '${dataDir}'`);
  for (const m of status.stdout.matchAll(/^\s+(proxy|dns|ingress)\s+ready/gm)) have.add(m[1] as Need);
  const nodes = await exec('kubectl get nodes -o name');
  if (nodes.code === 0 && nodes.stdout.trim()) have.add('agent');
  return have;
}

/** Whether this checkout's CLI has `svcnet proxy render`. */
export async function hasProxyRender(exec: Exec): Promise<boolean> {
  return (await exec('svcnet proxy render --help')).code === 0;
}
