/**
 * renderIptablesRules: the iptables-restore input kube-proxy v1.32 (iptables mode) writes for a
 * sync, rule for rule (pkg/proxy/iptables/proxier.go syncProxyRules), in the canonical order
 * of upstream's sortIPTablesRules. Pure: the kernel state it needs (existing nat chains) comes in
 * through the config.
 */
import { groupByService, type ProxyState } from '../model.js';
import { parseCidr, cidrContains } from '../ip.js';
import type { IptablesProfile, IptablesRenderConfig } from './config.js';
import { hostProfile } from './config.js';
import { formatMasqueradeMark } from '../traffic-plan.js';
import { printRestoreDump, sortRestoreDump, type RestoreDump } from './restore-text.js';
import { RestoreBuffers, type RenderContext } from './context.js';
import { renderServiceFragment, writeOwnChains, type ServiceFragment } from './fragments.js';
import {
  kubeExternalServicesChain,
  kubeFirewallChain,
  kubeForwardChain,
  kubeMarkMasqChain,
  kubeNodePortsChain,
  kubePostroutingChain,
  kubeProxyFirewallChain,
  kubeServicesChain,
  isServiceChainName,
} from './chains.js';

/** Above this many endpoints (all services together) per-endpoint comments are dropped. */
export const largeClusterEndpointsThreshold = 1000;

/** A rendered sync: the restore input, and what the kernel holds once it is applied. */
export interface IptablesSync {
  /** The iptables-restore input; empty when a partial sync has nothing to change. */
  readonly text: string;
  readonly applied: AppliedIptables;
}

/** The rules as last written, kept so that the next partial sync renders only what changed. */
export interface AppliedIptables {
  /** The settings the rules were rendered with; a partial sync needs the same. */
  readonly contextKey: string;
  /** Per Service ("ns/name"). */
  readonly fragments: ReadonlyMap<string, ServiceFragment>;
  /** The fixed and dispatch chains, "table chain" → rules as written. */
  readonly sharedChains: ReadonlyMap<string, readonly string[]>;
}

export function renderIptablesRules(state: ProxyState, config: IptablesRenderConfig): string {
  return renderIptablesSync(state, config).text;
}

/** A full sync: every chain, plus the deletion of stale ones found in the kernel. */
export function renderIptablesSync(state: ProxyState, config: IptablesRenderConfig): IptablesSync {
  const ctx = renderContext(state, config);
  const fragments = new Map<string, ServiceFragment>();
  for (const [key, entries] of groupByService(state.servicePorts)) fragments.set(key, renderServiceFragment(entries, ctx));
  const out = new RestoreBuffers();
  writeSharedRules(out, ctx, fragments.values());
  const active = new Set<string>();
  for (const fragment of fragments.values()) {
    writeOwnChains(fragment, out);
    for (const chain of fragment.chains.keys()) active.add(chain);
  }
  writeStaleChainDeletions(out, config.existingNatChains ?? [], active);
  const dump = sortRestoreDump(out.dump());
  return { text: printRestoreDump(dump), applied: { contextKey: contextKeyOf(ctx), fragments, sharedChains: sharedChainsOf(dump) } };
}

/** The fixed chains and rules, with the capture rules of `fragments` (in state order) in the dispatch chains. */
export function writeSharedRules(out: RestoreBuffers, ctx: RenderContext, fragments: Iterable<ServiceFragment>): void {
  writeTopLevelChains(out);
  writeMasqueradeRules(out, ctx);
  writeLocalnetFirewall(out, ctx);
  for (const fragment of fragments) for (const { table, rule } of fragment.dispatch) out.rule(table, rule);
  writeNodePortsJump(out, ctx);
  writeForwardRules(out, ctx);
}

/** The rules of every chain that is not a per-service chain, keyed "table chain". */
export function sharedChainsOf(dump: RestoreDump): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  for (const table of dump.tables) {
    for (const chain of table.chains) if (!isServiceChainName(chain)) chains.set(`${table.name} ${chain}`, []);
    for (const rule of table.rules) chains.get(`${table.name} ${rule.chain}`)?.push(rule.line);
  }
  return chains;
}

/** Everything besides the state that decides the rules; partial syncs need it unchanged. */
export function contextKeyOf(ctx: RenderContext): string {
  return JSON.stringify(ctx);
}

export function renderContext(state: ProxyState, config: IptablesRenderConfig): RenderContext {
  const profile: IptablesProfile = config.profile ?? hostProfile;
  const totalEndpoints = state.servicePorts.reduce((n, e) => n + e.endpoints.length, 0);
  const cidr = config.clusterCIDR?.trim();
  return {
    ipFamily: state.ipFamily,
    profile,
    mark: formatMasqueradeMark(config.masqueradeBit ?? 14, profile.markFormat),
    masqueradeAll: config.masqueradeAll ?? false,
    localhostNodePorts: config.localhostNodePorts ?? true,
    detector: cidr ? { ifLocal: ['-s', cidr], ifNotLocal: ['!', '-s', cidr] } : undefined,
    primaryNodeIP: config.nodeIPs[0],
    nodeTopology: config.nodeTopology ?? {},
    largeClusterMode: totalEndpoints > largeClusterEndpointsThreshold,
    nodePortAddresses: config.nodePortAddresses,
  };
}

function writeTopLevelChains(out: RestoreBuffers): void {
  for (const chain of [kubeServicesChain, kubeExternalServicesChain, kubeForwardChain, kubeNodePortsChain, kubeProxyFirewallChain]) {
    out.filterChain(chain);
  }
  for (const chain of [kubeServicesChain, kubeNodePortsChain, kubePostroutingChain, kubeMarkMasqChain]) out.natChain(chain);
}

function writeMasqueradeRules(out: RestoreBuffers, ctx: RenderContext): void {
  const m = ctx.mark;
  out.nat('-A', kubePostroutingChain, '-m', 'mark', '!', '--mark', `${m}/${m}`, '-j', 'RETURN');
  // Clear the mark so a packet re-traversing the stack is not masqueraded twice.
  out.nat('-A', kubePostroutingChain, '-j', 'MARK', '--xor-mark', m);
  const masquerade = ['-A', kubePostroutingChain, '-m', 'comment', '--comment', '"kubernetes service traffic requiring SNAT"', '-j', 'MASQUERADE'];
  if (ctx.profile.randomFully) masquerade.push('--random-fully');
  out.nat(...masquerade);
  out.nat('-A', kubeMarkMasqChain, '-j', 'MARK', '--or-mark', m);
}

/** route_localnet makes 127/8 routable; this rule (also kubelet's) closes CVE-2020-8558. */
function writeLocalnetFirewall(out: RestoreBuffers, ctx: RenderContext): void {
  if (ctx.ipFamily !== 4 || !ctx.localhostNodePorts) return;
  out.filterChain(kubeFirewallChain);
  out.filter(
    '-A', kubeFirewallChain,
    '-m', 'comment', '--comment', '"block incoming localnet connections"',
    '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8',
    '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT',
    '-j', 'DROP',
  );
}

/** Declaring a chain flushes it (--noflush), after which -X can delete it. */
function writeStaleChainDeletions(out: RestoreBuffers, existing: readonly string[], active: ReadonlySet<string>): void {
  for (const chain of [...existing].sort()) {
    if (!isServiceChainName(chain) || active.has(chain)) continue;
    out.natChain(chain);
    out.natDelete(chain);
  }
}

/** Must stay the last KUBE-SERVICES rule: anything not matched above may be a NodePort. */
function writeNodePortsJump(out: RestoreBuffers, ctx: RenderContext): void {
  const comment = '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"';
  if (ctx.nodePortAddresses === undefined) {
    const destinations = ['-m', 'addrtype', '--dst-type', 'LOCAL'];
    if (ctx.ipFamily === 6) destinations.push('!', '-d', '::1/128');
    else if (!ctx.localhostNodePorts) destinations.push('!', '-d', '127.0.0.0/8');
    out.nat('-A', kubeServicesChain, '-m', 'comment', '--comment', comment, ...destinations, '-j', kubeNodePortsChain);
    return;
  }
  const loopback = parseCidr(ctx.ipFamily === 4 ? '127.0.0.0/8' : '::1/128')!;
  for (const ip of ctx.nodePortAddresses) {
    // Loopback NodePorts exist only for IPv4 with localhostNodePorts (kube-proxy logs and skips).
    if (cidrContains(loopback, ip) && (ctx.ipFamily === 6 || !ctx.localhostNodePorts)) continue;
    out.nat('-A', kubeServicesChain, '-m', 'comment', '--comment', comment, '-d', ip, '-j', kubeNodePortsChain);
  }
}

function writeForwardRules(out: RestoreBuffers, ctx: RenderContext): void {
  // INVALID packets would otherwise reset connections unless the conntrack is liberal (#74839).
  if (!ctx.profile.conntrackTCPLiberal) {
    const accounting = ctx.profile.nfacct ? ['-m', 'nfacct', '--nfacct-name', 'ct_state_invalid_dropped_pkts'] : [];
    out.filter('-A', kubeForwardChain, '-m', 'conntrack', '--ctstate', 'INVALID', ...accounting, '-j', 'DROP');
  }
  // Marked (service) traffic is forwarded even when the FORWARD policy is DROP.
  out.filter('-A', kubeForwardChain, '-m', 'comment', '--comment', '"kubernetes forwarding rules"', '-m', 'mark', '--mark', `${ctx.mark}/${ctx.mark}`, '-j', 'ACCEPT');
  out.filter('-A', kubeForwardChain, '-m', 'comment', '--comment', '"kubernetes forwarding conntrack rule"', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');
}
