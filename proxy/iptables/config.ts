/**
 * Settings for the iptables renderer. The "profile" covers what kube-proxy decides by probing the
 * host (iptables version, nfacct support, a sysctl); upstream's unit tests fake those probes, so
 * their goldens correspond to `upstreamTestProfile`.
 */
import type { NodeTopology } from '../endpoints.js';

export interface IptablesProfile {
  /** "go": `%#08x` as a real kube-proxy prints it (0x00004000); "short": 0x4000 as the goldens. */
  readonly markFormat: 'go' | 'short';
  /** iptables >= 1.6.2 supports MASQUERADE --random-fully. */
  readonly randomFully: boolean;
  /** The nfacct counters (ct_state_invalid_dropped_pkts, localhost_nps_accepted_pkts) exist. */
  readonly nfacct: boolean;
  /** sysctl nf_conntrack_tcp_be_liberal != 0 drops the INVALID-state DROP rule. */
  readonly conntrackTCPLiberal: boolean;
}

/** What kube-proxy v1.32 writes on a modern host without the nfacct kernel module. */
export const hostProfile: IptablesProfile = { markFormat: 'go', randomFully: true, nfacct: false, conntrackTCPLiberal: false };

/** What upstream's NewFakeProxier reports; matches the goldens in proxier_test.go. */
export const upstreamTestProfile: IptablesProfile = { markFormat: 'short', randomFully: false, nfacct: true, conntrackTCPLiberal: false };

export interface IptablesRenderConfig {
  /** This node's addresses; the first is the primary one (checked against LB source ranges). */
  readonly nodeIPs: readonly string[];
  /** Pod network CIDR, the "ClusterCIDR" local-traffic detector; without it those rules are left out. */
  readonly clusterCIDR?: string;
  /** Masquerade all traffic to cluster IPs, not only traffic from outside the pod network. */
  readonly masqueradeAll?: boolean;
  /** Accept NodePorts on 127.0.0.0/8 (IPv4 only; kube-proxy default true). */
  readonly localhostNodePorts?: boolean;
  /** Node IPs that accept NodePorts; undefined means every local address (the default). */
  readonly nodePortAddresses?: readonly string[];
  /** Bit of the packet mark that requests masquerading (default 14). */
  readonly masqueradeBit?: number;
  readonly profile?: IptablesProfile;
  readonly nodeTopology?: NodeTopology;
  /** Per-service chains found in the kernel's nat table (iptables-save); stale ones get deleted. */
  readonly existingNatChains?: readonly string[];
}

/** Go's fmt.Sprintf("%0.10f", 1/n), the --probability of the rule picking endpoint i of n. */
export function probability(remaining: number): string {
  return (1 / remaining).toFixed(10);
}

/** argv kube-proxy restores with (iptables >= 1.6.2): wait for the xtables lock, leave other chains. */
export function iptablesRestoreCommand(ipFamily: 4 | 6): string[] {
  return [ipFamily === 6 ? 'ip6tables-restore' : 'iptables-restore', '-w', '5', '-W', '100000', '--noflush', '--counters'];
}
