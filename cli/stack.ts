/**
 * The whole svcnet stack in one process, as `svcnet up` runs it: components started in order of need
 * (each one reads the API through the client library, exactly as it would against a real
 * cluster), a line of progress as each becomes ready, and a clean stop in reverse order.
 */
import { startApiServer, type ApiServer, type ApiServerOptions } from '../api/server/server.js';
import { connectionWithToken } from '../client/connection.js';
import { ApiClient } from '../client/rest.js';
import { startControllers } from '../controllers/manager.js';
import { InformerFactory } from '../client/informer-factory.js';
import { startAgent } from '../agent/index.js';
import { startDnsServer } from '../dns/index.js';
import { startIngress } from '../ingress/index.js';
import { cleanupProxyRules, startProxy } from '../proxy/runtime/index.js';
import { nthAddress, parseCidr } from '../api/registry/ip.js';
import { ensureKubeDnsService } from './kube-dns.js';

export interface StackOptions {
  server: ApiServerOptions;
  /** Components to run; the API server always runs. */
  components: Set<ComponentName>;
  lbPool: string[];
  clusterCIDR: string;
  /** The kube-dns Service address (pods' nameserver). */
  clusterDNS: string;
  clusterDomain: string;
  nodeName?: string;
  /** The node's address (default: its first non-loopback IPv4). */
  nodeIP?: string;
  httpListen: string;
  httpsListen: string;
  proxyMode: 'iptables' | 'nftables';
  /** Called once per component as it becomes ready. */
  onReady?: (name: ComponentName, summary: string, ms: number) => void;
}

export const componentNames = ['controllers', 'agent', 'proxy', 'dns', 'ingress'] as const;
export type ComponentName = 'api-server' | (typeof componentNames)[number];
export const defaultComponents: readonly ComponentName[] = componentNames;

/** What `svcnet up` prints in its summary: where each running part can be reached. */
export interface StackSummary {
  node?: { name: string; address: string; podCIDR: string };
  /** The kube-dns Service address and the address svcnet dns listens on behind it. */
  dns?: { service: string; listen: string };
  ingress?: { http: string; https: string };
  proxyMode?: string;
}

export interface Stack {
  server: ApiServer;
  client: ApiClient;
  summary: StackSummary;
  /** Stops every component, last started first. */
  stop(): Promise<void>;
}

interface Running {
  name: ComponentName;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const running: Running[] = [];
  const timed = async <T>(name: ComponentName, start: () => Promise<T>, summary: (v: T) => string): Promise<T> => {
    const t0 = Date.now();
    const value = await start();
    opts.onReady?.(name, summary(value), Date.now() - t0);
    return value;
  };
  const startIf = async (name: ComponentName, start: () => Promise<() => Promise<void>>): Promise<Running | undefined> =>
    opts.components.has(name) ? { name, stop: await start() } : undefined;
  const stopAll = async () => {
    for (const r of running.splice(0).reverse()) {
      try {
        await r.stop();
      } catch (err) {
        process.stderr.write(`svcnet: stopping ${r.name}: ${(err as Error).message}\n`);
      }
    }
  };
  try {
    const server = await timed(
      'api-server',
      () => startApiServer(opts.server),
      (s) => s.url,
    );
    running.push({ name: 'api-server', stop: () => server.close() });
    // The same credentials as the admin kubeconfig, taken from the server rather than parsed back
    // from the file (reading kubeconfigs needs @kubernetes/client-node, slow to load).
    const client = new ApiClient(connectionWithToken(server.url, server.pki.caCert, server.pki.adminToken));
    if (opts.components.has('controllers')) {
      const manager = await timed('controllers', () => startControllers({ client, lbPool: opts.lbPool }), () => 'deployments, replica sets, scheduler, endpoints, garbage collector, namespaces, load balancers');
      running.push({ name: 'controllers', stop: () => manager.stop() });
    }
    const informers = new InformerFactory(client);
    running.push({ name: 'api-server', stop: () => informers.stop() });
    const summary: StackSummary = {};
    let dnsAddress = opts.nodeIP ?? opts.server.advertiseAddress;
    if (opts.components.has('agent')) {
      const agent = await timed(
        'agent',
        () => startAgent({ client, dataDir: opts.server.dataDir, nodeName: opts.nodeName, nodeIP: opts.nodeIP, clusterCIDR: opts.clusterCIDR, clusterDNS: opts.clusterDNS, clusterDomain: opts.clusterDomain }),
        (a) => `node ${a.nodeName} (${a.nodeIP}), pods ${a.podCIDR} on svcnet0`,
      );
      // Stopping svcnet removes what it made on the node: pods' processes, namespaces, links.
      running.push({ name: 'agent', stop: () => agent.close({ removePods: true }) });
      dnsAddress = nthAddress(parseCidr(agent.podCIDR), 1);
      summary.node = { name: agent.nodeName, address: agent.nodeIP, podCIDR: agent.podCIDR };
    }
    // Proxy, DNS and ingress depend only on the API server (and the agent's pod range), not on
    // each other: started together, `svcnet up` is ready when the slowest is.
    const dnsListen = `${dnsAddress ?? '127.0.0.1'}:53`;
    const later: Array<Promise<Running | undefined>> = [
      startIf('proxy', async () => {
        const proxy = await timed(
          'proxy',
          async () => {
            const p = await startProxy({ client, informers, mode: opts.proxyMode, nodeName: opts.nodeName, clusterCIDR: opts.clusterCIDR, nodeIPs: opts.nodeIP ? [opts.nodeIP] : undefined });
            await p.syncedOnce();
            return p;
          },
          (p) => `${p.mode} rules in the kernel (healthz :10256, metrics :10249)`,
        );
        summary.proxyMode = proxy.mode;
        // Stopping svcnet removes its rules, as `svcnet proxy --cleanup` does.
        return async () => {
          await proxy.close();
          await cleanupProxyRules();
        };
      }),
      startIf('dns', async () => {
        const dns = await timed('dns', () => startDnsServer({ informers, listen: dnsListen, zone: opts.clusterDomain }), () => `${dnsListen} behind kube-dns ${opts.clusterDNS}`);
        if (dnsAddress) await ensureKubeDnsService(client, { clusterIP: opts.clusterDNS, dnsAddress }).catch(async (err) => {
          await dns.close();
          throw err;
        });
        summary.dns = { service: opts.clusterDNS, listen: dnsListen };
        return () => dns.close();
      }),
      startIf('ingress', async () => {
        const ingress = await timed(
          'ingress',
          () => startIngress({ client, informers, httpListen: opts.httpListen, httpsListen: opts.httpsListen, publishAddresses: opts.nodeIP ? [opts.nodeIP] : undefined }),
          () => `HTTP ${opts.httpListen}, HTTPS ${opts.httpsListen}`,
        );
        summary.ingress = { http: opts.httpListen, https: opts.httpsListen };
        return () => ingress.close();
      }),
    ];
    const settled = await Promise.allSettled(later);
    for (const r of settled) if (r.status === 'fulfilled' && r.value) running.push(r.value);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { server, client, summary, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
