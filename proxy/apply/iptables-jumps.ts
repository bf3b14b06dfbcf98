/**
 * The jump rules from the built-in chains into kube-proxy's own (proxier.go iptablesJumpChains),
 * in kube-proxy's order. Each is prepended with `-I` only when `-C` does not find it, so other
 * software's rules in the built-in chains stay where they are.
 */

export interface JumpRule {
  readonly table: 'filter' | 'nat';
  readonly from: string;
  readonly to: string;
  readonly args: readonly string[];
}

const externallyVisible = ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes externally-visible service portals'];
const servicePortalsNew = ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals'];
const loadBalancerFirewall = ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes load balancer firewall'];

export const jumpRules: readonly JumpRule[] = [
  { table: 'filter', from: 'INPUT', to: 'KUBE-EXTERNAL-SERVICES', args: externallyVisible },
  { table: 'filter', from: 'FORWARD', to: 'KUBE-EXTERNAL-SERVICES', args: externallyVisible },
  { table: 'filter', from: 'INPUT', to: 'KUBE-NODEPORTS', args: ['-m', 'comment', '--comment', 'kubernetes health check service ports'] },
  { table: 'filter', from: 'FORWARD', to: 'KUBE-SERVICES', args: servicePortalsNew },
  { table: 'filter', from: 'OUTPUT', to: 'KUBE-SERVICES', args: servicePortalsNew },
  { table: 'filter', from: 'FORWARD', to: 'KUBE-FORWARD', args: ['-m', 'comment', '--comment', 'kubernetes forwarding rules'] },
  { table: 'filter', from: 'INPUT', to: 'KUBE-PROXY-FIREWALL', args: loadBalancerFirewall },
  { table: 'filter', from: 'OUTPUT', to: 'KUBE-PROXY-FIREWALL', args: loadBalancerFirewall },
  { table: 'filter', from: 'FORWARD', to: 'KUBE-PROXY-FIREWALL', args: loadBalancerFirewall },
  { table: 'nat', from: 'OUTPUT', to: 'KUBE-SERVICES', args: ['-m', 'comment', '--comment', 'kubernetes service portals'] },
  { table: 'nat', from: 'PREROUTING', to: 'KUBE-SERVICES', args: ['-m', 'comment', '--comment', 'kubernetes service portals'] },
  { table: 'nat', from: 'POSTROUTING', to: 'KUBE-POSTROUTING', args: ['-m', 'comment', '--comment', 'kubernetes postrouting rules'] },
];

/** kubelet's duplicate of the localnet firewall; kube-proxy installs it when localhost NodePorts are on (IPv4). */
export const localnetFirewallJumps: readonly JumpRule[] = [
  { table: 'filter', from: 'INPUT', to: 'KUBE-FIREWALL', args: [] },
  { table: 'filter', from: 'OUTPUT', to: 'KUBE-FIREWALL', args: [] },
];

/** Every chain kube-proxy owns outright per table (cleanup flushes and deletes these). */
export const ownedChains = {
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL', 'KUBE-FIREWALL', 'KUBE-PROXY-CANARY'],
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', 'KUBE-PROXY-CANARY'],
  mangle: ['KUBE-PROXY-CANARY'],
} as const;

/** argv of `iptables <op> <chain> -t <table> <args>` with kube-proxy's lock-wait flags. */
export function jumpRuleArgv(op: '-C' | '-I' | '-D', rule: JumpRule): string[] {
  return ['-w', '5', '-W', '100000', op, rule.from, '-t', rule.table, ...rule.args, '-j', rule.to];
}
