/**
 * Registers the Node (choosing its pod /24), keeps its Lease in kube-node-lease renewed every
 * 10 s and refreshes its status (heartbeat times, addresses) through nodes/status every minute.
 */
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { isAlreadyExists, isNotFound, type ApiClient, type ResourceType } from '../../client/index.js';
import { logger } from '../../common/log.js';
import { chooseNodePodCidr } from '../net/cidr.js';
import { buildNode, buildNodeStatus, microTime, type NodeFacts } from './node-object.js';

const nodes = findResource('', 'v1', 'nodes')! as ResourceType;
const leases = findResource('coordination.k8s.io', 'v1', 'leases')! as ResourceType;
const log = logger('agent/node');

export const leaseRenewMs = 10_000;
export const statusRefreshMs = 60_000;
const leaseDurationSeconds = 40;

type NodeJson = KubeObject & {
  spec?: { podCIDR?: string; podCIDRs?: string[] };
  status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
};

/** The pod CIDR this node has, or the first /24 no other node has. */
export async function podCidrFor(client: ApiClient, name: string, clusterCidr: string): Promise<string> {
  const all = (await client.list<NodeJson>(nodes)).items;
  const own = all.find((n) => n.metadata.name === name)?.spec?.podCIDR;
  if (own) return own;
  const taken = all.flatMap((n) => n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []));
  return chooseNodePodCidr(clusterCidr, taken);
}

export class NodeRegistrar {
  #leaseTimer?: NodeJS.Timeout;
  #statusTimer?: NodeJS.Timeout;
  #nodeUid?: string;

  constructor(
    readonly client: ApiClient,
    readonly facts: NodeFacts,
  ) {}

  async register(): Promise<void> {
    const node = buildNode(this.facts);
    try {
      const created = (await this.client.create(nodes, undefined, node)) as NodeJson;
      this.#nodeUid = created.metadata.uid;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.client.get<NodeJson>(nodes, undefined, this.facts.name);
      this.#nodeUid = existing.metadata.uid;
      if (!existing.spec?.podCIDR) await this.client.patch(nodes, undefined, this.facts.name, { spec: node.spec }, 'merge');
      await this.client.patch(nodes, undefined, this.facts.name, { metadata: { labels: node.metadata.labels } }, 'merge');
    }
    await this.updateStatus();
    await this.renewLease();
    this.#leaseTimer = setInterval(() => void this.renewLease().catch((err) => log.warn('lease renewal failed', { err })), leaseRenewMs);
    this.#statusTimer = setInterval(() => void this.updateStatus().catch((err) => log.warn('node status update failed', { err })), statusRefreshMs);
  }

  async updateStatus(): Promise<void> {
    const current = await this.client.get<NodeJson>(nodes, undefined, this.facts.name);
    const status = buildNodeStatus(this.facts, new Date().toISOString().replace(/\.\d+Z$/, 'Z'), current.status?.conditions);
    await this.client.patchStatus(nodes, undefined, this.facts.name, { status }, 'merge');
  }

  async renewLease(): Promise<void> {
    const name = this.facts.name;
    const spec = { holderIdentity: name, leaseDurationSeconds, renewTime: microTime() };
    try {
      await this.client.patch(leases, 'kube-node-lease', name, { spec }, 'merge');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const ownerReferences = this.#nodeUid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: this.#nodeUid }] : undefined;
      await this.client.create(leases, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease', ownerReferences }, spec });
    }
  }

  close(): void {
    clearInterval(this.#leaseTimer);
    clearInterval(this.#statusTimer);
  }
}
