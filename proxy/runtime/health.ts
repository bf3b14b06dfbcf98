/**
 * kube-proxy's health: `/healthz` and `/livez` on 10256 (pkg/proxy/healthcheck/proxy_health.go)
 * and one HTTP server per `healthCheckNodePort` of an eTP=Local LoadBalancer Service
 * (service_health.go), which a cloud load balancer polls to send traffic only to nodes with a
 * local endpoint.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../common/log.js';
import type { ProxyMetrics } from './metrics.js';

const log = logger('proxy/health');

/** Healthy unless a queued update has waited longer than `healthTimeoutMs`, and the node is eligible. */
export class ProxyHealth {
  #lastUpdated: Date | undefined;
  #oldestPendingQueued: Date | undefined;
  nodeEligible = true;

  constructor(readonly healthTimeoutMs: number) {}

  /** A change arrived that the kernel does not have yet. */
  queuedUpdate(now = new Date()): void {
    this.#oldestPendingQueued ??= now;
  }

  /** A sync succeeded: everything queued so far is in the kernel. */
  updated(now = new Date()): void {
    this.#oldestPendingQueued = undefined;
    this.#lastUpdated = now;
  }

  /** Node deleted or tainted ToBeDeletedByClusterAutoscaler: load balancers should drain it. */
  syncNode(node: { metadata?: { deletionTimestamp?: string }; spec?: { taints?: Array<{ key?: string }> } } | undefined): void {
    if (!node) return;
    this.nodeEligible = !node.metadata?.deletionTimestamp && !(node.spec?.taints ?? []).some((t) => t.key === 'ToBeDeletedByClusterAutoscaler');
  }

  isHealthy(now = new Date()): { healthy: boolean; lastUpdated: Date | undefined } {
    const late = this.#oldestPendingQueued !== undefined && now.getTime() - this.#oldestPendingQueued.getTime() >= this.healthTimeoutMs;
    return { healthy: !late, lastUpdated: this.#lastUpdated };
  }
}

/** Go's time.Time.String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC" (trailing zeros cut). */
export function goTimeString(t: Date | undefined): string {
  if (!t) return '0001-01-01 00:00:00 +0000 UTC';
  const iso = t.toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? '.' + frac : ''} +0000 UTC`;
}

function sendJson(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

export async function listen(server: Server, hostPort: string): Promise<number> {
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0';
  const port = Number(hostPort.slice(i + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** `/healthz` (also judges node eligibility) and `/livez`, with kube-proxy's bodies and codes. */
export function createHealthzServer(health: ProxyHealth, metrics: ProxyMetrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const now = new Date();
    const { healthy, lastUpdated } = health.isHealthy(now);
    if (path === '/healthz') {
      const ok = healthy && health.nodeEligible;
      metrics.healthzTotal.inc([ok ? '200' : '503']);
      // Healthy answers report "now" as lastUpdated, as older releases did (compatibility).
      const shown = ok ? now : lastUpdated;
      sendJson(res, ok ? 200 : 503, `{"lastUpdated": ${JSON.stringify(goTimeString(shown))},"currentTime": ${JSON.stringify(goTimeString(now))}, "nodeEligible": ${health.nodeEligible}}`);
    } else if (path === '/livez') {
      metrics.livezTotal.inc([healthy ? '200' : '503']);
      sendJson(res, healthy ? 200 : 503, `{"lastUpdated": ${JSON.stringify(goTimeString(healthy ? now : lastUpdated))},"currentTime": ${JSON.stringify(goTimeString(now))}}`);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    }
  });
}

export interface HealthCheckService {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
  readonly localEndpoints: number;
}

/**
 * The per-service health check servers: opened when a service gets a healthCheckNodePort, closed
 * when it loses it, and answering 200 only while the service has local endpoints and the proxy is
 * healthy.
 */
export class ServiceHealthServers {
  readonly #servers = new Map<string, { port: number; server: Server; current: HealthCheckService }>();

  constructor(private readonly bindHost: string, private readonly health: ProxyHealth) {}

  async sync(services: readonly HealthCheckService[]): Promise<void> {
    const wanted = new Map<string, HealthCheckService>(services.map((s) => [`${s.namespace}/${s.name}`, s]));
    for (const [key, s] of this.#servers) {
      if (wanted.get(key)?.port === s.port) continue;
      this.#servers.delete(key);
      await closeServer(s.server);
    }
    for (const [key, svc] of wanted) {
      const existing = this.#servers.get(key);
      if (existing) {
        existing.current = svc;
        continue;
      }
      const entry = { port: svc.port, server: undefined as unknown as Server, current: svc };
      entry.server = createServer((_req, res) => this.#answer(res, entry.current));
      try {
        await listen(entry.server, `${this.bindHost}:${svc.port}`);
        this.#servers.set(key, entry);
      } catch (err) {
        log.error('failed to open health check node port', { service: key, port: svc.port, err });
      }
    }
  }

  #answer(res: ServerResponse, svc: HealthCheckService): void {
    const healthy = this.health.isHealthy().healthy;
    const body = `{\n\t"service": {\n\t\t"namespace": ${JSON.stringify(svc.namespace)},\n\t\t"name": ${JSON.stringify(svc.name)}\n\t},\n\t"localEndpoints": ${svc.localEndpoints},\n\t"serviceProxyHealthy": ${healthy}\n}`;
    sendJson(res, svc.localEndpoints !== 0 && healthy ? 200 : 503, body);
  }

  async close(): Promise<void> {
    const all = [...this.#servers.values()];
    this.#servers.clear();
    await Promise.all(all.map((s) => closeServer(s.server)));
  }
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
