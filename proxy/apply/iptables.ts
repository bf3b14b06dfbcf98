/**
 * The iptables applier: kube-proxy's way of changing the kernel. Chains and jump rules are ensured
 * with single `iptables` calls (full syncs only), then the whole rendered ruleset goes in with one
 * `iptables-restore --noflush`, which replaces exactly the chains the input declares and leaves
 * every other chain of the table alone.
 */
import { iptablesRestoreCommand } from '../iptables/config.js';
import { isServiceChainName } from '../iptables/chains.js';
import { splitRestoreInput } from '../iptables/restore-blocks.js';
import { ApplyError, excerptAround, failingLine } from './apply-error.js';
import { jumpRuleArgv, jumpRules, localnetFirewallJumps, ownedChains, type JumpRule } from './iptables-jumps.js';
import type { CommandRunner } from './runner.js';

const component = 'proxy/iptables';
const lockWait = ['-w', '5', '-W', '100000'];

/** Pipes one rendered restore input to iptables-restore; a failure carries the failing line ± 3. */
export async function applyIptablesRestore(runner: CommandRunner, restoreInput: string): Promise<void> {
  const [cmd, ...args] = iptablesRestoreCommand(4);
  restoreInput = splitRestoreInput(restoreInput);
  const r = await runner.run(cmd!, args, restoreInput);
  if (r.code === 0) return;
  const line = failingLine(r.stderr);
  throw new ApplyError(component, cmd!, r.code, r.stderr, line ? excerptAround(restoreInput, line) : '');
}

/**
 * Makes sure every chain a jump targets exists, then each jump rule (`-C`, and `-I` if missing).
 * Run before the restore: the restore input never touches the built-in chains.
 */
export async function ensureIptablesJumps(runner: CommandRunner, opts: { localnetFirewall: boolean }): Promise<void> {
  const rules: JumpRule[] = [...jumpRules, ...(opts.localnetFirewall ? localnetFirewallJumps : [])];
  const chains = new Map(rules.map((r) => [`${r.table}/${r.to}`, r] as const));
  await Promise.all([...chains.values()].map((r) => ensureChain(runner, r.table, r.to)));
  // The checks are independent, so they run together (one process each, ~20-50 ms apiece, was
  // most of the proxy's start-up); prepending the missing ones in kube-proxy's order must stay
  // sequential to give the same final order.
  const checks = await Promise.all(rules.map((rule) => runner.run('iptables', jumpRuleArgv('-C', rule))));
  for (const [i, rule] of rules.entries()) {
    if (checks[i]!.code === 0) continue;
    const insert = await runner.run('iptables', jumpRuleArgv('-I', rule));
    if (insert.code !== 0) throw new ApplyError(component, `iptables -I ${rule.from} -t ${rule.table}`, insert.code, insert.stderr);
  }
}

async function ensureChain(runner: CommandRunner, table: string, chain: string): Promise<void> {
  const r = await runner.run('iptables', [...lockWait, '-N', chain, '-t', table]);
  // Exit 1 with "Chain already exists" is the normal case after the first sync.
  if (r.code !== 0 && !/exists/i.test(r.stderr)) throw new ApplyError(component, `iptables -N ${chain} -t ${table}`, r.code, r.stderr);
}

/** Chain names in one table, from `iptables-save -t <table>` (":NAME POLICY [p:b]" lines). */
export async function readIptablesChains(runner: CommandRunner, table: 'nat' | 'filter' | 'mangle'): Promise<string[]> {
  const r = await runner.run('iptables-save', ['-t', table]);
  if (r.code !== 0) throw new ApplyError(component, `iptables-save -t ${table}`, r.code, r.stderr);
  return parseChainNames(r.stdout);
}

export function parseChainNames(save: string): string[] {
  const out: string[] = [];
  for (const line of save.split('\n')) if (line.startsWith(':')) out.push(line.slice(1).split(' ')[0]!);
  return out;
}

/**
 * `svcnet proxy --cleanup`: removes every jump rule (repeating `-D` while one matches), then
 * flushes and deletes all of kube-proxy's chains in one restore per table. Unlike kube-proxy,
 * KUBE-FIREWALL goes too: svcnet has no kubelet that shares it.
 */
export async function cleanupIptables(runner: CommandRunner): Promise<{ removedChains: number }> {
  for (const rule of [...jumpRules, ...localnetFirewallJumps]) {
    for (let i = 0; i < 10; i++) {
      const r = await runner.run('iptables', jumpRuleArgv('-D', rule));
      if (r.code !== 0) break;
    }
  }
  let removedChains = 0;
  for (const table of ['filter', 'nat', 'mangle'] as const) {
    const present = new Set(await readIptablesChains(runner, table).catch(() => [] as string[]));
    const owned: readonly string[] = ownedChains[table];
    const chains = [...present].filter((c) => owned.includes(c) || (table === 'nat' && isServiceChainName(c)));
    if (chains.length === 0) continue;
    const input = renderChainDeletion(table, chains);
    const r = await runner.run('iptables-restore', [...lockWait, '-T', table, '--noflush', '--counters'], input);
    if (r.code !== 0) throw new ApplyError(component, `iptables-restore -T ${table}`, r.code, r.stderr, excerptAround(input, failingLine(r.stderr) ?? 1));
    removedChains += chains.length;
  }
  return { removedChains };
}

/**
 * Declaring a chain under --noflush flushes it; -X after all flushes deletes it. Names go in
 * descending order and, past `blockSize` chains, in several COMMIT blocks (every chain flushed
 * first, then deleted, so no order between our chains matters): iptables-nft walks a sorted list
 * of the names a block uses for each command (see proxy/iptables/restore-blocks.ts).
 */
export function renderChainDeletion(table: string, chains: readonly string[], blockSize = 5000): string {
  const sorted = [...chains].sort().reverse();
  if (sorted.length <= blockSize) return [`*${table}`, ...sorted.map((c) => `:${c} - [0:0]`), ...sorted.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
  const out: string[] = [];
  for (const line of ['flush', 'delete'] as const) {
    for (let i = 0; i < sorted.length; i += blockSize) {
      out.push(`*${table}`);
      for (const c of sorted.slice(i, i + blockSize)) out.push(line === 'flush' ? `:${c} - [0:0]` : `-X ${c}`);
      out.push('COMMIT');
    }
  }
  return out.join('\n') + '\n';
}
