/** Settings for the nftables renderer. */
import type { NodeTopology } from '../endpoints.js';

export interface NftablesRenderConfig {
  /** This node's addresses; the first is the primary one. */
  readonly nodeIPs: readonly string[];
  /** Pod network CIDR ("ClusterCIDR" local-traffic detector); without it those rules are left out. */
  readonly clusterCIDR?: string;
  readonly masqueradeAll?: boolean;
  /** Bit of the packet mark that requests masquerading (default 14). */
  readonly masqueradeBit?: number;
  /** "go" prints 0x00004000 as kube-proxy does; "short" prints 0x4000 as upstream's tests do. */
  readonly markFormat?: 'go' | 'short';
  /**
   * Addresses that accept NodePorts: "all" (any local address but 127/8), or a list. Defaults to
   * the primary node IP, nftables mode's `--nodeport-addresses primary`.
   */
  readonly nodePortAddresses?: 'all' | readonly string[];
  /** ServiceCIDR ranges: traffic to unallocated addresses in them is dropped. */
  readonly serviceCIDRs?: readonly string[];
  readonly nodeTopology?: NodeTopology;
  /** First sync of a process: base chains are added and deleted once so priority changes apply. */
  readonly firstSync?: boolean;
  /** Objects found in the kernel table (nft list): stale service chains are flushed, affinity sets deleted. */
  readonly existingChains?: readonly string[];
  readonly existingSets?: readonly string[];
}
