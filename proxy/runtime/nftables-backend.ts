/**
 * nftables mode: every sync renders the whole kube-proxy table; a full sync applies all of it as
 * one `nft -f` transaction, a partial sync only its difference from the last applied render
 * (changed chains, added/deleted map elements; apply/nft-diff.ts). Either way one transaction,
 * plus deletions of chains flushed as stale by the previous sync.
 */
import { renderNftablesRules } from '../nftables/render.js';
import type { ProxyState } from '../model.js';
import { applyNftables, cleanupNftables, NftablesObjectTracker, readNftablesObjects } from '../apply/nftables.js';
import { cleanupIptables } from '../apply/iptables.js';
import { kubeProxyTable } from '../nftables/names.js';
import type { CommandRunner } from '../apply/runner.js';
import { diffTransactions, parseTransaction, type ParsedTransaction } from '../apply/nft-diff.js';
import { logger } from '../../common/log.js';
import type { NodeInfo, ProxyBackend, SyncRequest, SyncResult } from './backend.js';
import type { ProxyMetrics } from './metrics.js';

const log = logger('proxy/nftables');

export interface NftablesBackendOptions {
  readonly clusterCIDR?: string;
  readonly masqueradeAll?: boolean;
}

export class NftablesBackend implements ProxyBackend {
  readonly mode = 'nftables';
  readonly #tracker = new NftablesObjectTracker('ip');
  #firstSync = true;
  #readBack = true;
  /** The last render the kernel fully has; the base of partial syncs. */
  #applied: ParsedTransaction | undefined;

  constructor(private readonly runner: CommandRunner, private readonly options: NftablesBackendOptions, private readonly metrics: ProxyMetrics) {}

  async prepare(): Promise<void> {
    // Switching from iptables mode leaves those chains behind otherwise.
    await cleanupIptables(this.runner).catch((err) => log.warn('could not remove iptables kube-proxy chains', { err }));
  }

  render(state: ProxyState, node: NodeInfo, extra: { existingChains?: readonly string[]; existingSets?: readonly string[]; firstSync?: boolean } = {}): string {
    return renderNftablesRules(state, {
      nodeIPs: node.nodeIPs,
      nodeTopology: node.topology,
      clusterCIDR: this.options.clusterCIDR,
      masqueradeAll: this.options.masqueradeAll,
      // Without a known node address, NodePorts go to every local address rather than none.
      nodePortAddresses: node.nodeIPs.length ? undefined : 'all',
      ...extra,
    });
  }

  async sync(req: SyncRequest): Promise<SyncResult> {
    if (this.#readBack) this.#tracker.reset(await readNftablesObjects(this.runner));
    const rendered = this.render(req.state, req.node, { existingChains: this.#tracker.existingChains(), existingSets: this.#tracker.existingSets(), firstSync: this.#firstSync });
    const { text, deletions, commit } = this.#tracker.completeTransaction(rendered);
    const parsed = parseTransaction(rendered);
    const partial = !req.full && this.#applied !== undefined && !parsed.needsFull;
    const transaction = partial ? diffTransactions(this.#applied!, parsed, 'ip', kubeProxyTable) + deletions : text;
    try {
      if (transaction) await applyNftables(this.runner, transaction);
    } catch (err) {
      this.metrics.nftablesSyncFailures.inc();
      this.#readBack = true;
      this.#applied = undefined;
      throw err;
    }
    commit();
    this.#applied = parsed;
    this.#firstSync = false;
    this.#readBack = false;
    return { full: !partial, bytes: transaction.length };
  }

  /** Chains flushed as stale are deleted by a transaction at least a second later (kernels < 6.2). */
  followUpAfterMs(): number | undefined {
    return this.#tracker.hasFlushedStale() ? 1000 : undefined;
  }

  async rulesMissing(): Promise<boolean> {
    const r = await this.runner.run('nft', ['list', 'chain', 'ip', kubeProxyTable, 'services']);
    return r.code !== 0;
  }

  async cleanup(): Promise<void> {
    const removed = await cleanupNftables(this.runner);
    log.info('removed nftables table', { table: kubeProxyTable, existed: removed });
  }
}
