/**
 * iptables mode: a full render (renderIptablesSync) or a partial one (renderIptablesPartial,
 * KEP-3453) applied with one iptables-restore; the jump rules and canary chains are ensured on
 * full syncs only, as upstream.
 */
import { renderIptablesRules, renderIptablesSync, type AppliedIptables } from '../iptables/render.js';
import { renderIptablesPartial } from '../iptables/partial.js';
import type { IptablesRenderConfig } from '../iptables/config.js';
import type { ProxyState } from '../model.js';
import { applyIptablesRestore, cleanupIptables, ensureIptablesJumps, readIptablesChains } from '../apply/iptables.js';
import { cleanupNftables } from '../apply/nftables.js';
import type { CommandRunner } from '../apply/runner.js';
import { logger } from '../../common/log.js';
import type { NodeInfo, ProxyBackend, SyncRequest, SyncResult } from './backend.js';
import type { ProxyMetrics } from './metrics.js';

const log = logger('proxy/iptables');
const canaryChain = 'KUBE-PROXY-CANARY';
const canaryTables = ['mangle', 'nat', 'filter'] as const;

export interface IptablesBackendOptions {
  readonly clusterCIDR?: string;
  readonly masqueradeAll?: boolean;
  readonly localhostNodePorts?: boolean;
}

export class IptablesBackend implements ProxyBackend {
  readonly mode = 'iptables';
  /** The rules the kernel has from us, the base of partial syncs; undefined until a full sync succeeds. */
  #applied: AppliedIptables | undefined;
  /** Rules per "table/chain", for kubeproxy_sync_proxy_rules_iptables_total. */
  readonly #ruleCounts = new Map<string, number>();
  /** Sums of #ruleCounts per table, kept as they change rather than re-added each sync. */
  readonly #ruleTotals: Record<string, number> = {};

  constructor(private readonly runner: CommandRunner, private readonly options: IptablesBackendOptions, private readonly metrics: ProxyMetrics) {}

  async prepare(): Promise<void> {
    // Switching from nftables mode leaves that table behind otherwise.
    await cleanupNftables(this.runner).catch((err) => log.warn('could not remove the nftables kube-proxy table', { err }));
    if (this.options.localhostNodePorts ?? true) {
      // Lets 127.0.0.1:<nodePort> be DNATed to a pod (kube-proxy: "Setting route_localnet=1").
      const r = await this.runner.run('sysctl', ['-w', 'net.ipv4.conf.all.route_localnet=1']);
      if (r.code !== 0) log.warn('could not set route_localnet=1; localhost NodePorts will not work', { stderr: r.stderr.trim() });
    }
  }

  render(state: ProxyState, node: NodeInfo): string {
    return renderIptablesRules(state, this.#config(node));
  }

  /**
   * Full syncs (first, after a failure, when asked, when the settings changed) ensure the jumps
   * and canaries, read the nat chains back and rewrite everything; other syncs write only what
   * changed since the last applied render (iptables/partial.ts).
   */
  async sync(req: SyncRequest): Promise<SyncResult> {
    const config = this.#config(req.node);
    const partial = !req.full && this.#applied ? renderIptablesPartial(this.#applied, req.state, req.changedServices, config) : undefined;
    const full = partial === undefined;
    if (full) {
      await ensureIptablesJumps(this.runner, { localnetFirewall: this.options.localhostNodePorts ?? true });
      await this.#ensureCanaries();
    }
    const sync = partial ?? renderIptablesSync(req.state, { ...config, existingNatChains: await readIptablesChains(this.runner, 'nat') });
    try {
      if (sync.text) await applyIptablesRestore(this.runner, sync.text);
    } catch (err) {
      this.metrics.restoreFailures.inc();
      if (!full) this.metrics.partialRestoreFailures.inc();
      this.#applied = undefined;
      throw err;
    }
    this.#applied = sync.applied;
    this.#recordWritten(sync.text);
    return { full, bytes: sync.text.length };
  }

  followUpAfterMs(): number | undefined {
    return undefined;
  }

  async rulesMissing(): Promise<boolean> {
    const checks = await Promise.all(canaryTables.map((t) => this.runner.run('iptables', ['-w', '5', '-W', '100000', '-S', canaryChain, '-t', t])));
    return checks.some((r) => r.code !== 0);
  }

  async cleanup(): Promise<void> {
    const { removedChains } = await cleanupIptables(this.runner);
    log.info('removed iptables rules', { chains: removedChains });
  }

  #config(node: NodeInfo): IptablesRenderConfig {
    return {
      nodeIPs: node.nodeIPs,
      nodeTopology: node.topology,
      clusterCIDR: this.options.clusterCIDR,
      masqueradeAll: this.options.masqueradeAll,
      localhostNodePorts: this.options.localhostNodePorts,
    };
  }

  async #ensureCanaries(): Promise<void> {
    await Promise.all(canaryTables.map((t) => this.runner.run('iptables', ['-w', '5', '-W', '100000', '-N', canaryChain, '-t', t])));
  }

  /** Updates the rule counts from a restore input that succeeded (a declared chain starts empty). */
  #recordWritten(text: string): void {
    let table = '';
    const written: Record<string, number> = { filter: 0, nat: 0 };
    const forget = (key: string) => {
      const t = key.slice(0, key.indexOf('/'));
      this.#ruleTotals[t] = (this.#ruleTotals[t] ?? 0) - (this.#ruleCounts.get(key) ?? 0);
    };
    for (const line of text.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      else if (line.startsWith(':')) {
        const key = `${table}/${line.slice(1, line.indexOf(' '))}`;
        forget(key);
        this.#ruleCounts.set(key, 0);
      } else if (line.startsWith('-A ')) {
        const key = `${table}/${line.slice(3, line.indexOf(' ', 3))}`;
        this.#ruleCounts.set(key, (this.#ruleCounts.get(key) ?? 0) + 1);
        this.#ruleTotals[table] = (this.#ruleTotals[table] ?? 0) + 1;
        written[table] = (written[table] ?? 0) + 1;
      } else if (line.startsWith('-X ')) {
        const key = `${table}/${line.slice(3).trim()}`;
        forget(key);
        this.#ruleCounts.delete(key);
      }
    }
    for (const t of ['filter', 'nat']) {
      this.metrics.iptablesTotal.set(this.#ruleTotals[t] ?? 0, [t]);
      this.metrics.iptablesLast.set(written[t] ?? 0, [t]);
    }
  }
}
