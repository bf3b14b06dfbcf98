/**
 * The nftables applier: every sync is one `nft -f -` transaction on the `kube-proxy` table, so the
 * kernel switches from the old ruleset to the new one atomically. What the table holds is tracked
 * here (from the transactions that succeeded, or read back after a failure) because the renderer
 * needs the stale objects as input and listing ~100k chains from the kernel on every sync is slow.
 */
import { kubeProxyTable, isServiceChainName, isAffinitySetName } from '../nftables/names.js';
import { ApplyError, excerptAround, failingLine } from './apply-error.js';
import type { CommandRunner } from './runner.js';

const component = 'proxy/nftables';

export async function applyNftables(runner: CommandRunner, transaction: string): Promise<void> {
  const r = await runner.run('nft', ['-f', '-'], transaction);
  if (r.code === 0) return;
  const line = failingLine(r.stderr);
  throw new ApplyError(component, 'nft -f -', r.code, r.stderr, line ? excerptAround(transaction, line) : '');
}

/** Service/endpoint chains and affinity sets now in the kernel's table (empty if there is no table). */
export async function readNftablesObjects(runner: CommandRunner, family: 'ip' | 'ip6' = 'ip'): Promise<{ chains: string[]; sets: string[] }> {
  const [chains, sets] = await Promise.all([listNames(runner, 'chains', family), listNames(runner, 'sets', family)]);
  return { chains: chains.filter(isServiceChainName), sets: sets.filter(isAffinitySetName) };
}

async function listNames(runner: CommandRunner, what: 'chains' | 'sets', family: string): Promise<string[]> {
  const r = await runner.run('nft', ['-j', 'list', what, family]);
  if (r.code !== 0) return [];
  const parsed = JSON.parse(r.stdout) as { nftables?: Array<Record<string, { table?: string; name?: string }>> };
  const key = what === 'chains' ? 'chain' : 'set';
  return (parsed.nftables ?? []).flatMap((o) => (o[key]?.table === kubeProxyTable && o[key]?.name ? [o[key]!.name!] : []));
}

/** `--cleanup` and mode switches: the whole table goes in one command. */
export async function cleanupNftables(runner: CommandRunner, family: 'ip' | 'ip6' = 'ip'): Promise<boolean> {
  const r = await runner.run('nft', ['delete', 'table', family, kubeProxyTable]);
  if (r.code === 0) return true;
  if (/No such file or directory|does not exist/i.test(r.stderr)) return false;
  throw new ApplyError(component, `nft delete table ${family} ${kubeProxyTable}`, r.code, r.stderr);
}

/**
 * The objects of the table across syncs. A stale service chain is first flushed (by the renderer)
 * and only deleted by a later transaction: kernels before 6.2 notice late that a removed map
 * element no longer references a chain, and deleting it in the same transaction fails.
 */
export class NftablesObjectTracker {
  #chains = new Set<string>();
  #sets = new Set<string>();
  /** Flushed as stale by the last successful transaction; deleted by the next one. */
  #flushedStale = new Set<string>();

  constructor(readonly family: 'ip' | 'ip6' = 'ip') {}

  existingChains(): string[] {
    return [...this.#chains];
  }

  existingSets(): string[] {
    return [...this.#sets];
  }

  hasFlushedStale(): boolean {
    return this.#flushedStale.size > 0;
  }

  /** Replaces what is known with what the kernel reports (first sync, after a failure). */
  reset(objects: { chains: readonly string[]; sets: readonly string[] }): void {
    this.#chains = new Set(objects.chains);
    this.#sets = new Set(objects.sets);
    this.#flushedStale = new Set();
  }

  /** The rendered transaction plus the deletions of chains flushed by an earlier sync. */
  completeTransaction(rendered: string): { text: string; deletions: string; commit: () => void } {
    const added = objectNames(rendered, 'add chain');
    const flushedNow = new Set([...this.#chains].filter((c) => !added.has(c) && isServiceChainName(c)));
    const deletable = [...this.#flushedStale].filter((c) => flushedNow.has(c)).sort();
    const prefix = `${this.family} ${kubeProxyTable}`;
    const deletions = deletable.map((c) => `delete chain ${prefix} ${c}\n`).join('');
    const text = rendered + deletions;
    const commit = () => {
      for (const c of deletable) flushedNow.delete(c);
      this.#chains = new Set([...added, ...flushedNow].filter(isServiceChainName));
      this.#sets = new Set([...objectNames(rendered, 'add set')].filter(isAffinitySetName));
      this.#flushedStale = flushedNow;
    };
    return { text, deletions, commit };
  }
}

/** Names of the objects a transaction adds ("add chain ip kube-proxy NAME ..."). */
function objectNames(transaction: string, verb: 'add chain' | 'add set'): Set<string> {
  const re = verb === 'add chain' ? /^add chain \S+ \S+ (\S+)/gm : /^add set \S+ \S+ (\S+)/gm;
  return new Set(Array.from(transaction.matchAll(re), (m) => m[1]!));
}
