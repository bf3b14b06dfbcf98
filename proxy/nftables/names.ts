/** kube-proxy's nftables object names (pkg/proxy/nftables/proxier.go, v1.31–v1.33 layout). */

/** Everything lives in this one table, so no object needs a "kube-" prefix of its own. */
export const kubeProxyTable = 'kube-proxy';

// Base chains, named "<type>-<hook>".
export const filterPreroutingChain = 'filter-prerouting';
export const filterInputChain = 'filter-input';
export const filterForwardChain = 'filter-forward';
export const filterOutputChain = 'filter-output';
export const filterOutputPostDNATChain = 'filter-output-post-dnat';
export const natPreroutingChain = 'nat-prerouting';
export const natOutputChain = 'nat-output';
export const natPostroutingChain = 'nat-postrouting';

// Service dispatch.
export const servicesChain = 'services';
export const serviceIPsMap = 'service-ips';
export const serviceNodePortsMap = 'service-nodeports';
export const nodePortIPsSet = 'nodeport-ips';
export const clusterIPsSet = 'cluster-ips';

// Services with no (local) endpoints.
export const serviceEndpointsCheckChain = 'service-endpoints-check';
export const nodePortEndpointsCheckChain = 'nodeport-endpoints-check';
export const noEndpointServicesMap = 'no-endpoint-services';
export const noEndpointNodePortsMap = 'no-endpoint-nodeports';
export const rejectChain = 'reject-chain';

// Traffic to unallocated ClusterIPs and undefined ports of ClusterIPs.
export const clusterIPsCheckChain = 'cluster-ips-check';

// loadBalancerSourceRanges.
export const firewallIPsMap = 'firewall-ips';
export const firewallCheckChain = 'firewall-check';

// Masquerading.
export const markMasqChain = 'mark-for-masquerade';
export const masqueradingChain = 'masquerading';

// Per-service object prefixes; the rest of the name comes from hash.ts.
export const chainPrefix = {
  clusterPolicy: 'service-',
  localPolicy: 'local-',
  external: 'external-',
  firewall: 'firewall-',
  endpoint: 'endpoint-',
  affinity: 'affinity-',
} as const;

/** Per-service chains always contain "/"; no fixed chain does. */
export function isServiceChainName(chain: string): boolean {
  return chain.includes('/');
}

export function isAffinitySetName(set: string): boolean {
  return set.startsWith(chainPrefix.affinity);
}
