/**
 * svcnet agent: the kubelet of svcnet. Registers the Node and its Lease, builds the pod network
 * (bridge svcnet0, a namespace and veth per pod), runs pods' containers as node programs chosen by
 * the image catalog, reports pod status, and serves logs and exec on the kubelet API.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findResource } from '../api/resources.js';
import { clientFromKubeconfig, Informer, type ApiClient, type ResourceType } from '../client/index.js';
import { logger } from '../common/log.js';
import { ImageCatalog, parseUserCatalog } from './images/catalog.js';
import type { NodePaths } from './images/builtins.js';
import { writePrograms } from './images/programs.js';
import { startKubeletApi } from './kubelet-api/server.js';
import { ensureServingCert } from './kubelet-api/tls.js';
import { PodAddressAllocator } from './net/ipam.js';
import { PodNetworkBatcher } from './net/network-batch.js';
import { removePoolLeftovers, SandboxPool } from './net/sandbox-pool.js';
import { ensureBridge, removeBridge } from './net/pod-network.js';
import { defaultNodeName, detectNodeIP, machineFacts } from './node/node-facts.js';
import { NodeRegistrar, podCidrFor } from './node/registrar.js';
import { parseResolvConf } from './pod/resolv-conf.js';
import type { Service } from './pod/types.js';
import type { AgentContext } from './pods/context.js';
import { EventRecorder } from './pods/events.js';
import { Limiter } from './pods/limiter.js';
import { PodManager } from './pods/pod-manager.js';
import { loadRecords } from './pods/pod-record.js';
import { ProcessLauncher } from './runtime/launcher.js';
import { ensureUserland } from './userland.js';

const log = logger('agent');
const services = findResource('', 'v1', 'services')! as ResourceType;
const configMaps = findResource('', 'v1', 'configmaps')! as ResourceType;
/** Pod status writes at once: enough kept-alive connections that a 100-pod burst does not queue for a free one. */
const statusWriteConcurrency = 32;

export interface AgentOptions {
  kubeconfig?: string;
  client?: ApiClient;
  nodeName?: string;
  dataDir: string;
  clusterCIDR?: string;
  clusterDNS?: string;
  clusterDomain?: string;
  kubeletListen?: string;
  /** The node's InternalIP; default: the first non-loopback IPv4 address. */
  nodeIP?: string;
  /**
   * Pod networks kept ready for new pods (net/sandbox-pool.ts); default $SVCNET_AGENT_SANDBOX_POOL,
   * else 32. Each costs about 220 kB of kernel memory and holds a pod address; 0 turns the pool off.
   */
  sandboxPool?: number;
}

function sandboxPoolSize(opts: AgentOptions): number {
  const fromEnv = process.env.SVCNET_AGENT_SANDBOX_POOL;
  const n = opts.sandboxPool ?? (fromEnv ? Number(fromEnv) : 32);
  return Number.isInteger(n) && n >= 0 ? n : 32;
}

export interface Agent {
  nodeName: string;
  podCIDR: string;
  nodeIP: string;
  kubeletPort: number;
  close(opts?: { removePods?: boolean }): Promise<void>;
}

async function bearerTokens(client: ApiClient): Promise<string[]> {
  const auth = (await client.connection.authHeaders()).Authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m) log.warn('the agent\'s kubeconfig has no bearer token: the kubelet API accepts every request');
  return m ? [m[1]] : [];
}

function nodePaths(agentDir: string): NodePaths {
  return {
    userlandBin: join(agentDir, 'userland', 'bin'),
    programsDir: join(agentDir, 'programs'),
    nodeBinary: process.execPath,
    nginxBinary: '/usr/sbin/nginx',
    nginxHtmlRoot: '/usr/share/nginx/html',
  };
}

function readHostResolv() {
  try {
    return parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8'));
  } catch {
    return { nameservers: [], searches: [], options: [] };
  }
}

export async function startAgent(opts: AgentOptions): Promise<Agent> {
  const client = opts.client ?? (await clientFromKubeconfig({ path: opts.kubeconfig }));
  const nodeName = opts.nodeName ?? defaultNodeName();
  const agentDir = join(opts.dataDir, 'agent');
  mkdirSync(agentDir, { recursive: true });
  const nodeIP = opts.nodeIP ?? detectNodeIP();
  const podCidr = await podCidrFor(client, nodeName, opts.clusterCIDR ?? '10.244.0.0/16');
  const paths = nodePaths(agentDir);
  ensureUserland(paths.userlandBin);
  writePrograms(paths.programsDir);
  await ensureBridge(podCidr);

  const serviceInformer = new Informer<Service>(client, services);
  const imageConfig = new Informer(client, configMaps, { namespace: 'kube-system', fieldSelector: 'metadata.name=svcnet-images' });
  const catalog = new ImageCatalog(join(opts.dataDir, 'images.yaml'));
  const loadImageConfig = () => {
    const cm = imageConfig.get('kube-system', 'svcnet-images') as { data?: Record<string, string> } | undefined;
    try {
      catalog.setConfigMapEntries(cm?.data?.['images.yaml'] ? parseUserCatalog(cm.data['images.yaml'], 'ConfigMap kube-system/svcnet-images') : []);
    } catch (err) {
      log.warn('ignoring ConfigMap kube-system/svcnet-images', { err });
    }
  };
  imageConfig.addEventHandler({ onAdd: loadImageConfig, onUpdate: loadImageConfig, onDelete: loadImageConfig });
  serviceInformer.start();
  imageConfig.start();
  await Promise.all([serviceInformer.waitForSync(), imageConfig.waitForSync()]);

  const pods = new PodManager(client, nodeName);
  const kubeletApi = await startKubeletApi({
    listen: opts.kubeletListen ?? '0.0.0.0:10250',
    cert: ensureServingCert(join(agentDir, 'pki'), nodeName, [nodeIP, '127.0.0.1']),
    tokens: await bearerTokens(client),
    pods,
  });
  const registrar = new NodeRegistrar(client, { name: nodeName, internalIP: nodeIP, podCidr, kubeletPort: kubeletApi.port, ...machineFacts(nodeName) });
  await registrar.register();

  const statusWrites = new Limiter(statusWriteConcurrency);
  const ipam = new PodAddressAllocator(join(agentDir, 'ipam.json'), podCidr);
  const networks = new PodNetworkBatcher();
  const poolDir = join(agentDir, 'sandbox-pool');
  await removePoolLeftovers(poolDir, agentDir, ipam, new Set(loadRecords(agentDir).map((r) => r.hash).filter(Boolean)));
  const pool = new SandboxPool({ size: sandboxPoolSize(opts), dir: poolDir, ipam, networks, podCidr, agentDir });
  const ctx: AgentContext = {
    client,
    nodeName,
    nodeIP,
    podCidr,
    agentDir,
    ipam,
    networks,
    pool,
    launcher: new ProcessLauncher(join(agentDir, 'launcher.mjs')),
    catalog,
    paths,
    clusterDNS: (opts.clusterDNS ?? '10.96.0.10').split(',').filter(Boolean),
    clusterDomain: opts.clusterDomain ?? 'cluster.local',
    hostResolv: readHostResolv(),
    services: serviceInformer,
    events: new EventRecorder(client, nodeName, statusWrites),
    statusWrites,
    enqueue: (uid) => pods.enqueue(uid),
  };
  await pods.start(ctx);
  ctx.launcher.prestart();
  pool.start();
  log.info('agent ready', { node: nodeName, podCIDR: podCidr, nodeIP, kubeletPort: kubeletApi.port });

  let closing: Promise<void> | undefined;
  return {
    nodeName,
    podCIDR: podCidr,
    nodeIP,
    kubeletPort: kubeletApi.port,
    close: (o = {}) =>
      (closing ??= (async () => {
        registrar.close();
        await kubeletApi.close();
        await pods.close(Boolean(o.removePods));
        // Pooled sandboxes belong to no pod: they never outlive the agent (a restart makes new ones).
        await pool.close();
        ctx.launcher.close();
        await Promise.all([serviceInformer.stop(), imageConfig.stop()]);
        if (o.removePods) await removeBridge();
        if (!opts.client) client.close();
      })()),
  };
}
