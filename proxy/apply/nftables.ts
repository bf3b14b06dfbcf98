/**
 * The nftables applier: every sync is one `nft -f -` transaction on the `kube-proxy` table, so the
 * kernel switches from the old ruleset to the new one atomically. What the table holds is tracked
 * here (from the transactions that succeeded, or read back after a failure) because the renderer
 * needs the stale objects as input and listing ~100k chains from the kernel on every sync is slow.
 */
import { kubeProxyTable, isServiceChainName, isAffinitySetName } from '../nftables/names.js';
import { ApplyError, excerptAround, failingLine } from './apply-error.js';
import type { CommandRunner } from './runner.js';
import { encodeTransaction, type NetlinkBatch } from '../netlink/batch.js';
import { UnsupportedNft } from '../netlink/rule-parser.js';
import type { KernelError } from '../netlink/addon.js';
import { logger } from '../../common/log.js';

const component = 'proxy/nftables';
const log = logger(component);

/** How a transaction reached the kernel. */
export type NftablesPath = 'netlink' | 'nft';

/**
 * Applies one transaction atomically. With `netlink` (partial syncs) and a runner that can send
 * batches, the text is encoded into an nf_tables batch and sent directly (proxy/netlink: no cache
 * dump, unlike nft 1.0.6); a transaction with a line the encoder does not cover goes to `nft -f -`
 * whole. A kernel error is an ApplyError either way.
 */
export async function applyNftables(runner: CommandRunner, transaction: string, opts: { netlink?: boolean } = {}): Promise<NftablesPath> {
  const batch = opts.netlink && runner.sendNftBatch ? encodeOrFallBack(transaction) : undefined;
  const errors = batch ? sendOrFallBack(runner, batch) : undefined;
  if (batch && errors) {
    if (errors.length === 0) return 'netlink';
    const lines = errors.map((e) => ({ ...e, line: batch.lineOfSeq(e.seq) }));
    const stderr = lines.map((e) => `${e.line ? `line ${e.line}: ` : ''}Error: Could not process rule: ${e.message}\n`).join('');
    const first = lines.find((e) => e.line)?.line;
    throw new ApplyError(component, 'nf_tables netlink batch', lines[0]!.errno, stderr, first ? excerptAround(transaction, first) : '');
  }
  const r = await runner.run('nft', ['-f', '-'], transaction);
  if (r.code === 0) return 'nft';
  const line = failingLine(r.stderr);
  throw new ApplyError(component, 'nft -f -', r.code, r.stderr, line ? excerptAround(transaction, line) : '');
}

/** The kernel's errors, or undefined when the batch could not be sent at all (then nft runs it). */
function sendOrFallBack(runner: CommandRunner, batch: NetlinkBatch): KernelError[] | undefined {
  try {
    return runner.sendNftBatch!(batch.buffer);
  } catch (err) {
    log.warn('could not send the nf_tables netlink batch; using nft', { err: (err as Error).message });
    return undefined;
  }
}

const loggedForms = new Set<string>();

function encodeOrFallBack(transaction: string): NetlinkBatch | undefined {
  try {
    return encodeTransaction(transaction);
  } catch (err) {
    if (!(err instanceof UnsupportedNft)) throw err;
    if (!loggedForms.has(err.form)) {
      loggedForms.add(err.form);
      log.debug('transaction sent to nft: the netlink encoder does not cover a line', { form: err.form });
    }
    return undefined;
  }
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
  /** Flushed as stale by an earlier successful transaction; deleted by the next one. */
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
    this.#chains = new Set(objects.chains.filter(isServiceChainName));
    this.#sets = new Set(objects.sets.filter(isAffinitySetName));
    this.#flushedStale = new Set();
  }

  /** The chains flushed by an earlier sync that this one does not bring back: safe to delete now. */
  deletableChains(inUse: (chain: string) => boolean): string[] {
    return [...this.#flushedStale].filter((c) => !inUse(c)).sort();
  }

  deletionText(chains: readonly string[]): string {
    return chains.map((c) => `delete chain ${this.family} ${kubeProxyTable} ${c}\n`).join('');
  }

  /** After a full transaction: the table has `active` plus the stale chains it flushed. */
  commitFull(active: { chains: ReadonlySet<string>; sets: ReadonlySet<string> }, deleted: readonly string[]): void {
    const gone = new Set(deleted);
    const flushedNow = [...this.#chains].filter((c) => !active.chains.has(c) && !gone.has(c));
    this.#chains = new Set([...active.chains, ...flushedNow]);
    this.#sets = new Set(active.sets);
    this.#flushedStale = new Set(flushedNow);
  }

  /** After a partial transaction. */
  commitPartial(change: { addedChains: readonly string[]; staleChains: readonly string[]; addedSets: readonly string[]; deletedSets: readonly string[] }, deleted: readonly string[]): void {
    for (const c of deleted) (this.#chains.delete(c), this.#flushedStale.delete(c));
    for (const c of change.addedChains) (this.#chains.add(c), this.#flushedStale.delete(c));
    for (const c of change.staleChains) this.#flushedStale.add(c);
    for (const s of change.addedSets) this.#sets.add(s);
    for (const s of change.deletedSets) this.#sets.delete(s);
  }
}
