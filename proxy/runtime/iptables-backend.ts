/**
 * iptables mode: renderIptablesRules (full or partial, KEP-3453) applied with one
 * iptables-restore; the jump rules and canary chains are ensured on full syncs only, as upstream.
 */
import { renderIptablesRules } from '../iptables/render.js';
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
  /** nat chains believed to be in the kernel (read back on full syncs, then kept from our own writes). */
  #natChains: Set<string> | undefined;
  /** Rules per "table/chain", for kubeproxy_sync_proxy_rules_iptables_total. */
  readonly #ruleCounts = new Map<string, number>();

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

  render(state: ProxyState, node: NodeInfo, extra: { existingNatChains?: readonly string[]; changedServices?: ReadonlySet<string> } = {}): string {
    return renderIptablesRules(state, {
      nodeIPs: node.nodeIPs,
      nodeTopology: node.topology,
      clusterCIDR: this.options.clusterCIDR,
      masqueradeAll: this.options.masqueradeAll,
      localhostNodePorts: this.options.localhostNodePorts,
      ...extra,
    });
  }

  async sync(req: SyncRequest): Promise<SyncResult> {
    const full = req.full || this.#natChains === undefined;
    if (full) {
      await ensureIptablesJumps(this.runner, { localnetFirewall: this.options.localhostNodePorts ?? true });
      await this.#ensureCanaries();
      this.#natChains = new Set(await readIptablesChains(this.runner, 'nat'));
    }
    const text = this.render(req.state, req.node, { existingNatChains: [...this.#natChains!], changedServices: full ? undefined : req.changedServices });
    try {
      await applyIptablesRestore(this.runner, text);
    } catch (err) {
      this.metrics.restoreFailures.inc();
      if (!full) this.metrics.partialRestoreFailures.inc();
      this.#natChains = undefined;
      throw err;
    }
    this.#recordWritten(text);
    return { full, bytes: text.length };
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

  async #ensureCanaries(): Promise<void> {
    await Promise.all(canaryTables.map((t) => this.runner.run('iptables', ['-w', '5', '-W', '100000', '-N', canaryChain, '-t', t])));
  }

  /** Updates the known chains and rule counts from a restore input that succeeded. */
  #recordWritten(text: string): void {
    let table = '';
    const written: Record<string, number> = { filter: 0, nat: 0 };
    for (const line of text.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      else if (line.startsWith(':')) {
        const chain = line.slice(1, line.indexOf(' '));
        this.#ruleCounts.set(`${table}/${chain}`, 0);
        if (table === 'nat') this.#natChains!.add(chain);
      } else if (line.startsWith('-A ')) {
        const chain = line.slice(3, line.indexOf(' ', 3));
        const key = `${table}/${chain}`;
        this.#ruleCounts.set(key, (this.#ruleCounts.get(key) ?? 0) + 1);
        written[table] = (written[table] ?? 0) + 1;
      } else if (line.startsWith('-X ')) {
        const chain = line.slice(3).trim();
        this.#ruleCounts.delete(`${table}/${chain}`);
        if (table === 'nat') this.#natChains!.delete(chain);
      }
    }
    const totals: Record<string, number> = { filter: 0, nat: 0 };
    for (const [key, n] of this.#ruleCounts) {
      const t = key.slice(0, key.indexOf('/'));
      totals[t] = (totals[t] ?? 0) + n;
    }
    for (const t of ['filter', 'nat']) {
      this.metrics.iptablesTotal.set(totals[t] ?? 0, [t]);
      this.metrics.iptablesLast.set(written[t] ?? 0, [t]);
    }
  }
}
