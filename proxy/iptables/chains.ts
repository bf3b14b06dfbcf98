/** kube-proxy's fixed iptables chain names (pkg/proxy/iptables/proxier.go). */

// Dispatch: every packet to a service address or node port passes through these.
export const kubeServicesChain = 'KUBE-SERVICES';
export const kubeExternalServicesChain = 'KUBE-EXTERNAL-SERVICES';
export const kubeNodePortsChain = 'KUBE-NODEPORTS';

// Masquerading: mark in nat PREROUTING/OUTPUT, act on the mark in POSTROUTING.
export const kubePostroutingChain = 'KUBE-POSTROUTING';
export const kubeMarkMasqChain = 'KUBE-MARK-MASQ';

// Filtering.
export const kubeForwardChain = 'KUBE-FORWARD';
export const kubeProxyFirewallChain = 'KUBE-PROXY-FIREWALL';
/** Shared with kubelet, which installs an identical rule; never deleted on cleanup. */
export const kubeFirewallChain = 'KUBE-FIREWALL';

const serviceChainPrefixes = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-SEP-', 'KUBE-FW-', 'KUBE-EXT-'];

/** Per-service chains, the only nat chains kube-proxy deletes when they go stale. */
export function isServiceChainName(chain: string): boolean {
  return serviceChainPrefixes.some((p) => chain.startsWith(p));
}
