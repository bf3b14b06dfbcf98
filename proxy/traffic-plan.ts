/**
 * The per-service-port decisions every kube-proxy backend makes the same way before writing rules
 * (the head of the per-service loop in iptables and nftables proxier.go): which policy chains are
 * needed and what traffic with no usable endpoints gets.
 */
import { categorizeEndpoints, type CategorizedEndpoints, type NodeTopology } from './endpoints.js';
import type { ServicePortEntry } from './model.js';
import { externallyAccessible, usesClusterEndpoints, usesLocalEndpoints } from './model.js';

/** Why traffic finds no endpoint: none anywhere (reject) or none on this node under Local policy (drop). */
export type MissingEndpoints = 'none' | 'no-local' | undefined;

export interface TrafficPlan {
  readonly endpoints: CategorizedEndpoints;
  /** The cluster-policy chain (KUBE-SVC / service-) exists. */
  readonly usesClusterChain: boolean;
  /** The local-policy chain (KUBE-SVL / local-) exists. */
  readonly usesLocalChain: boolean;
  /** Cluster IP traffic has somewhere to go (not iTP=Local without local endpoints). */
  readonly hasInternalEndpoints: boolean;
  /** External traffic has somewhere to go (not eTP=Local without local endpoints). */
  readonly hasExternalEndpoints: boolean;
  /** Based on "any endpoints", not external ones: the short-circuit rules are needed regardless. */
  readonly usesExternalChain: boolean;
  readonly internalMissing: MissingEndpoints;
  readonly externalMissing: MissingEndpoints;
}

export function planTraffic(entry: ServicePortEntry, topology: NodeTopology): TrafficPlan {
  const svc = entry.service;
  const endpoints = categorizeEndpoints(entry.endpoints, svc, topology);
  const hasEndpoints = endpoints.hasAnyEndpoints;
  const noLocal = endpoints.local.length === 0;
  const hasInternalEndpoints = hasEndpoints && !(svc.internalPolicyLocal && noLocal);
  const hasExternalEndpoints = hasEndpoints && !(svc.externalPolicyLocal && noLocal);
  return {
    endpoints,
    usesClusterChain: endpoints.cluster.length > 0 && usesClusterEndpoints(svc),
    usesLocalChain: !noLocal && usesLocalEndpoints(svc),
    hasInternalEndpoints,
    hasExternalEndpoints,
    usesExternalChain: hasEndpoints && externallyAccessible(svc),
    internalMissing: !hasEndpoints ? 'none' : hasInternalEndpoints ? undefined : 'no-local',
    externalMissing: !hasEndpoints ? 'none' : hasExternalEndpoints ? undefined : 'no-local',
  };
}

/** Go's fmt.Sprintf("%#08x", 1<<bit) as kube-proxy prints it ("0x00004000"), or 0x4000 as its tests do. */
export function formatMasqueradeMark(bit: number, format: 'go' | 'short'): string {
  const value = (1 << bit) >>> 0;
  return format === 'go' ? '0x' + value.toString(16).padStart(8, '0') : '0x' + value.toString(16);
}
