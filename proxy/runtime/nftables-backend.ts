/**
 * nftables mode: a full sync renders and applies the whole kube-proxy table as one `nft -f`
 * transaction; a partial sync renders only the changed Services and sends their difference from
 * the last applied render (nftables/partial.ts). Either way one transaction, plus deletions of
 * chains flushed as stale by an earlier sync.
 */
import { renderNftablesRules, renderNftablesSync, type AppliedNftables } from '../nftables/render.js';
import { renderNftablesPartial } from '../nftables/partial.js';
import type { NftablesRenderConfig } from '../nftables/config.js';
import type { ProxyState } from '../model.js';
import { applyNftables, cleanupNftables, NftablesObjectTracker, readNftablesObjects, type NftablesPath } from '../apply/nftables.js';
import { cleanupIptables } from '../apply/iptables.js';
import { kubeProxyTable } from '../nftables/names.js';
import type { CommandRunner } from '../apply/runner.js';
import { logger } from '../../common/log.js';
import type { NodeInfo, ProxyBackend, SyncRequest, SyncResult } from './backend.js';
import type { ProxyMetrics } from './metrics.js';

const log = logger('proxy/nftables');

export interface NftablesBackendOptions {
  readonly clusterCIDR?: string;
  readonly masqueradeAll?: boolean;
  /**
   * Partial syncs go to the kernel as nf_tables netlink batches when the runner can send them
   * (default true; SVCNET_NFT_NETLINK=0 also turns it off). Full syncs always use `nft -f -`.
   */
  readonly netlink?: boolean;
}

export class NftablesBackend implements ProxyBackend {
  readonly mode = 'nftables';
  readonly #tracker = new NftablesObjectTracker('ip');
  #firstSync = true;
  #readBack = true;
  /** The Services' rules the kernel has from us, the base of partial syncs. */
  #applied: AppliedNftables | undefined;

  constructor(private readonly runner: CommandRunner, private readonly options: NftablesBackendOptions, private readonly metrics: ProxyMetrics) {}

  async prepare(): Promise<void> {
    // Switching from iptables mode leaves those chains behind otherwise.
    await cleanupIptables(this.runner).catch((err) => log.warn('could not remove iptables kube-proxy chains', { err }));
  }

  render(state: ProxyState, node: NodeInfo): string {
    return renderNftablesRules(state, this.#config(node));
  }

  /**
   * Full syncs (first, after a failure, when asked, when the settings changed) send the whole
   * table; other syncs only what changed since the last applied render (nftables/partial.ts).
   * Either way one transaction, which also deletes the chains an earlier sync flushed as stale.
   */
  async sync(req: SyncRequest): Promise<SyncResult> {
    const config = this.#config(req.node);
    const partial = !req.full && this.#applied ? renderNftablesPartial(this.#applied, req.state, req.changedServices, config) : undefined;
    if (!partial && this.#readBack) this.#tracker.reset(await readNftablesObjects(this.runner));
    const full = partial ? undefined : renderNftablesSync(req.state, { ...config, existingChains: this.#tracker.existingChains(), existingSets: this.#tracker.existingSets(), firstSync: this.#firstSync });
    const readded = new Set(partial?.addedChains ?? []);
    const deleted = this.#tracker.deletableChains((c) => (full ? full.activeChains.has(c) : readded.has(c)));
    const transaction = (partial ?? full!).text + this.#tracker.deletionText(deleted);
    let via: NftablesPath | undefined;
    try {
      if (transaction) via = await applyNftables(this.runner, transaction, { netlink: partial !== undefined && this.options.netlink !== false });
    } catch (err) {
      this.metrics.nftablesSyncFailures.inc();
      this.#readBack = true;
      this.#applied = undefined;
      throw err;
    }
    if (via) this.metrics.nftablesTransactions.inc([via]);
    if (partial) this.#tracker.commitPartial(partial, deleted);
    else this.#tracker.commitFull({ chains: full!.activeChains, sets: full!.activeSets }, deleted);
    this.#applied = (partial ?? full!).applied;
    this.#firstSync = false;
    this.#readBack = false;
    return { full: !partial, bytes: transaction.length, via };
  }

  /**
   * Chains flushed as stale are deleted by a later transaction (kernels < 6.2 need it at least a
   * second later): the next sync carries the deletions, and this follow-up only catches a lone
   * change. Not sooner: a dedicated deletion sync costs as much as any other at scale (nft loads
   * every chain) and would hold up a change arriving meanwhile.
   */
  followUpAfterMs(): number | undefined {
    return this.#tracker.hasFlushedStale() ? 5_000 : undefined;
  }

  async rulesMissing(): Promise<boolean> {
    const r = await this.runner.run('nft', ['list', 'chain', 'ip', kubeProxyTable, 'services']);
    return r.code !== 0;
  }

  #config(node: NodeInfo): NftablesRenderConfig {
    return {
      nodeIPs: node.nodeIPs,
      nodeTopology: node.topology,
      clusterCIDR: this.options.clusterCIDR,
      masqueradeAll: this.options.masqueradeAll,
      // Without a known node address, NodePorts go to every local address rather than none.
      nodePortAddresses: node.nodeIPs.length ? undefined : 'all',
    };
  }

  async cleanup(): Promise<void> {
    const removed = await cleanupNftables(this.runner);
    log.info('removed nftables table', { table: kubeProxyTable, existed: removed });
  }
}
