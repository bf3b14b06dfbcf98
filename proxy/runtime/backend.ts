/** What the sync loop needs from a mode (iptables, nftables): render + apply one sync, and cleanup. */
import type { NodeTopology } from '../endpoints.js';
import type { ProxyState } from '../model.js';
import type { NftablesPath } from '../apply/nftables.js';

export interface NodeInfo {
  /** The node's addresses, primary first. */
  readonly nodeIPs: readonly string[];
  readonly topology: NodeTopology;
}

export interface SyncRequest {
  readonly state: ProxyState;
  readonly node: NodeInfo;
  /** Services ("ns/name") whose Service or slices changed since the last successful sync. */
  readonly changedServices: ReadonlySet<string>;
  /** Rewrite everything (first sync, after a failure, node change, canary gone, periodic). */
  readonly full: boolean;
}

export interface SyncResult {
  /** Whether the applied sync was full (a backend may upgrade a partial request). */
  readonly full: boolean;
  /** Bytes of rules text applied. */
  readonly bytes: number;
  /** nftables: how the transaction reached the kernel (a netlink batch or `nft -f -`). */
  readonly via?: NftablesPath;
}

export interface ProxyBackend {
  readonly mode: 'iptables' | 'nftables';
  /** One-time host setup (sysctls; removing the other mode's rules). */
  prepare(): Promise<void>;
  sync(req: SyncRequest): Promise<SyncResult>;
  /** The text a sync of `state` would apply, without touching the kernel. */
  render(state: ProxyState, node: NodeInfo): string;
  /** A follow-up sync the backend needs this long after the last one (nftables: delete flushed chains). */
  followUpAfterMs(): number | undefined;
  /** True when the kernel lost our rules (canary gone): the next sync must be full. */
  rulesMissing(): Promise<boolean>;
  cleanup(): Promise<void>;
}
