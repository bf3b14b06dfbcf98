/**
 * Packet-flow cases shared by every data-plane renderer (one conformance suite, several
 * implementations). Where kube-proxy's modes really differ, a case carries a per-mode
 * expectation and says why.
 */
import { testExternalClient, testExternalClientBlocked, testNodeIP } from './fixtures.js';
import type { Packet } from './packet-tracer.js';

export interface Expectation {
  readonly output: string;
  readonly masquerade?: boolean;
}

export interface FlowCase {
  readonly name: string;
  readonly packet: Packet;
  readonly expect: Expectation;
  /** A different, documented result in nftables mode. */
  readonly nftables?: Expectation & { readonly reason: string };
}

const pod = '10.0.0.2';

/** Against the overall fixture (fixtures.ts overallState). */
export const overallFlowCases: readonly FlowCase[] = [
  { name: 'pod to cluster IP', packet: { src: pod, dst: '172.30.0.41', port: 80 }, expect: { output: '10.180.0.1:80', masquerade: false } },
  { name: 'off-cluster source to cluster IP is masqueraded', packet: { src: testExternalClient, dst: '172.30.0.41', port: 80 }, expect: { output: '10.180.0.1:80', masquerade: true } },
  { name: 'hairpin: endpoint to its own service', packet: { src: '10.180.0.1', dst: '172.30.0.41', port: 80 }, expect: { output: '10.180.0.1:80', masquerade: true } },
  {
    name: 'cluster IP, port the service does not have',
    packet: { src: pod, dst: '172.30.0.41', port: 443 },
    expect: { output: '' },
    nftables: { output: 'REJECT', reason: 'cluster-ips-check rejects traffic to undefined ports of active ClusterIPs' },
  },
  {
    name: 'cluster IP, right port but UDP',
    packet: { src: pod, dst: '172.30.0.41', port: 80, proto: 'udp' },
    expect: { output: '' },
    nftables: { output: 'REJECT', reason: 'cluster-ips-check' },
  },
  {
    name: 'unallocated address in the service CIDR',
    packet: { src: pod, dst: '172.30.0.99', port: 80 },
    expect: { output: '' },
    nftables: { output: 'DROP', reason: 'cluster-ips-check drops traffic to unallocated ServiceCIDR addresses' },
  },
  { name: 'service without endpoints is rejected', packet: { src: pod, dst: '172.30.0.46', port: 80 }, expect: { output: 'REJECT' } },
  { name: 'two endpoints: either may be chosen', packet: { src: pod, dst: '172.30.0.44', port: 80 }, expect: { output: '10.180.0.4:80, 10.180.0.5:80', masquerade: false } },
  { name: 'external IP, eTP=Cluster', packet: { src: testExternalClient, dst: '192.168.99.33', port: 80 }, expect: { output: '10.180.0.4:80, 10.180.0.5:80', masquerade: true } },
  { name: 'NodePort from outside', packet: { src: testExternalClient, dst: testNodeIP, port: 3003 }, expect: { output: '10.180.0.3:80', masquerade: true } },
  {
    name: 'NodePort on localhost',
    packet: { src: '127.0.0.1', dst: '127.0.0.1', port: 3003 },
    expect: { output: '10.180.0.3:80', masquerade: true },
    nftables: { output: '', reason: 'nftables mode has no localhost NodePorts (no route_localnet)' },
  },
  { name: 'eTP=Local without local endpoints: LB IP from outside is dropped', packet: { src: testExternalClient, dst: '1.2.3.4', port: 80 }, expect: { output: 'DROP' } },
  { name: 'eTP=Local without local endpoints: external IP from outside is dropped', packet: { src: testExternalClient, dst: '192.168.99.22', port: 80 }, expect: { output: 'DROP' } },
  { name: 'eTP=Local without local endpoints: NodePort from outside is dropped', packet: { src: testExternalClient, dst: testNodeIP, port: 3001 }, expect: { output: 'DROP' } },
  { name: 'eTP=Local: pod traffic to the LB IP is short-circuited to the cluster chain', packet: { src: pod, dst: '1.2.3.4', port: 80 }, expect: { output: '10.180.0.2:80', masquerade: false } },
  { name: 'eTP=Local: the node itself reaching its NodePort is masqueraded', packet: { src: testNodeIP, dst: testNodeIP, port: 3001 }, expect: { output: '10.180.0.2:80', masquerade: true } },
  { name: 'eTP=Local: cluster IP still uses all endpoints', packet: { src: pod, dst: '172.30.0.42', port: 80 }, expect: { output: '10.180.0.2:80', masquerade: false } },
  { name: 'LB source range: allowed client', packet: { src: testExternalClient, dst: '5.6.7.8', port: 80 }, expect: { output: '10.180.0.3:80', masquerade: true } },
  { name: 'LB source range: blocked client is dropped', packet: { src: testExternalClientBlocked, dst: '5.6.7.8', port: 80 }, expect: { output: 'DROP' } },
  { name: 'NodePorts ignore LB source ranges', packet: { src: testExternalClientBlocked, dst: testNodeIP, port: 3002 }, expect: { output: '10.180.0.3:80', masquerade: true } },
  { name: 'ClientIP affinity service, first connection', packet: { src: pod, dst: '172.30.0.45', port: 80 }, expect: { output: '10.180.0.3:80', masquerade: false } },
];

/** Against the walkthrough's default/nginx (fixtures.ts nginxState, pod CIDR 10.244.0.0/16). */
export const nginxFlowCases: readonly FlowCase[] = [
  {
    name: 'walkthrough: pod to the nginx cluster IP reaches any of the five pods',
    packet: { src: '10.244.0.50', dst: '10.96.0.100', port: 80 },
    expect: { output: '10.244.0.10:80, 10.244.0.11:80, 10.244.0.12:80, 10.244.0.13:80, 10.244.0.14:80', masquerade: false },
  },
  {
    name: 'walkthrough: ping-like traffic to another port is not served',
    packet: { src: '10.244.0.50', dst: '10.96.0.100', port: 8080 },
    expect: { output: '' },
    nftables: { output: 'REJECT', reason: 'cluster-ips-check' },
  },
  {
    name: 'walkthrough: ping to the cluster IP gets no answer (fact 27)',
    packet: { src: '10.244.0.50', dst: '10.96.0.100', port: 0, proto: 'icmp' },
    expect: { output: '' },
    nftables: { output: 'REJECT', reason: 'cluster-ips-check rejects it: ping reports port unreachable' },
  },
];

const lbEndpoint = '10.180.0.1:80';

/** Upstream TestLoadBalancer (fixtures.ts loadBalancerState). */
export const loadBalancerFlowCases: readonly FlowCase[] = [
  { name: 'LB: pod to cluster IP', packet: { src: pod, dst: '172.30.0.41', port: 80 }, expect: { output: lbEndpoint, masquerade: false } },
  { name: 'LB: external to NodePort', packet: { src: testExternalClient, dst: testNodeIP, port: 3001 }, expect: { output: lbEndpoint, masquerade: true } },
  { name: 'LB: NodePort bypasses source ranges', packet: { src: testExternalClientBlocked, dst: testNodeIP, port: 3001 }, expect: { output: lbEndpoint, masquerade: true } },
  { name: 'LB: accepted external to LB1', packet: { src: testExternalClient, dst: '1.2.3.4', port: 80 }, expect: { output: lbEndpoint, masquerade: true } },
  { name: 'LB: accepted external to LB2', packet: { src: testExternalClient, dst: '5.6.7.8', port: 80 }, expect: { output: lbEndpoint, masquerade: true } },
  { name: 'LB: blocked external to LB1', packet: { src: testExternalClientBlocked, dst: '1.2.3.4', port: 80 }, expect: { output: 'DROP' } },
  { name: 'LB: pod to LB2 is blocked by the source ranges', packet: { src: pod, dst: '5.6.7.8', port: 80 }, expect: { output: 'DROP' } },
  { name: 'LB: node to LB1 is allowed by a range holding the node', packet: { src: testNodeIP, dst: '1.2.3.4', port: 80 }, expect: { output: lbEndpoint, masquerade: true } },
  { name: 'LB: same node to LB2, SNATted to the LB IP, implicitly allowed', packet: { src: '5.6.7.8', dst: '5.6.7.8', port: 80 }, expect: { output: lbEndpoint, masquerade: true } },
];

/** Upstream TestNoEndpointsReject (fixtures.ts noEndpointsState): everything is rejected. */
export const noEndpointsFlowCases: readonly FlowCase[] = [
  { name: 'no endpoints: pod to cluster IP', packet: { src: pod, dst: '172.30.0.41', port: 80 }, expect: { output: 'REJECT' } },
  { name: 'no endpoints: external to external IP', packet: { src: testExternalClient, dst: '192.168.99.11', port: 80 }, expect: { output: 'REJECT' } },
  { name: 'no endpoints: pod to NodePort', packet: { src: pod, dst: testNodeIP, port: 3001 }, expect: { output: 'REJECT' } },
  { name: 'no endpoints: external to NodePort', packet: { src: testExternalClient, dst: testNodeIP, port: 3001 }, expect: { output: 'REJECT' } },
  { name: 'no endpoints: pod to LB IP', packet: { src: pod, dst: '1.2.3.4', port: 80 }, expect: { output: 'REJECT' } },
  { name: 'no endpoints: external to LB IP', packet: { src: testExternalClient, dst: '1.2.3.4', port: 80 }, expect: { output: 'REJECT' } },
];

const both = '10.180.0.1:80, 10.180.2.1:80';

/** eTP=Local with a local endpoint (fixtures.ts localPolicyState): outside clients keep their IP. */
export const localPolicyFlowCases: readonly FlowCase[] = [
  { name: 'eTP=Local: external to LB IP reaches only the local endpoint, unmasqueraded', packet: { src: testExternalClient, dst: '1.2.3.4', port: 80 }, expect: { output: '10.180.0.1:80', masquerade: false } },
  { name: 'eTP=Local: external to NodePort reaches only the local endpoint, unmasqueraded', packet: { src: testExternalClient, dst: testNodeIP, port: 3001 }, expect: { output: '10.180.0.1:80', masquerade: false } },
  { name: 'eTP=Local: pod to LB IP may reach any endpoint', packet: { src: pod, dst: '1.2.3.4', port: 80 }, expect: { output: both, masquerade: false } },
  { name: 'eTP=Local: node to its own NodePort may reach any endpoint, masqueraded', packet: { src: testNodeIP, dst: testNodeIP, port: 3001 }, expect: { output: both, masquerade: true } },
  { name: 'eTP=Local: cluster IP uses every endpoint', packet: { src: pod, dst: '172.30.0.41', port: 80 }, expect: { output: both, masquerade: false } },
];
