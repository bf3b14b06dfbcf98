/** What pod workers share: the API client, node facts, allocators, catalogs and settings. */
import type { ApiClient, Informer } from '../../client/index.js';
import type { ImageCatalog } from '../images/catalog.js';
import type { NodePaths } from '../images/builtins.js';
import type { PodAddressAllocator } from '../net/ipam.js';
import type { PodNetworkBatcher } from '../net/network-batch.js';
import type { SandboxPool } from '../net/sandbox-pool.js';
import type { ResolvConf } from '../pod/resolv-conf.js';
import type { ProcessLauncher } from '../runtime/launcher.js';
import type { Service } from '../pod/types.js';
import type { EventRecorder } from './events.js';
import type { Limiter } from './limiter.js';

export interface AgentContext {
  client: ApiClient;
  nodeName: string;
  nodeIP: string;
  podCidr: string;
  agentDir: string;
  ipam: PodAddressAllocator;
  networks: PodNetworkBatcher;
  /** Pod networks made ahead of time (none in dry runs). */
  pool?: SandboxPool;
  /** Starts container processes (from a small helper, see launcher.ts). */
  launcher: ProcessLauncher;
  catalog: ImageCatalog;
  paths: NodePaths;
  clusterDNS: string[];
  clusterDomain: string;
  hostResolv: ResolvConf;
  services: Informer<Service>;
  events: EventRecorder;
  /** Bounds concurrent pods/status writes (connection reuse). */
  statusWrites: Limiter;
  /** Asks for the pod's worker to sync soon (status, restarts). */
  enqueue(uid: string): void;
  /** Skip creating network namespaces (unit tests without root). */
  dryRun?: boolean;
}
