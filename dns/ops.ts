/**
 * The operational HTTP endpoints, with CoreDNS's semantics: `/health` (plugin/health, :8080)
 * answers 200 `OK` while the process runs; `/ready` (plugin/ready, :8181) answers 200 `OK` once
 * the informers have synced and 503 before; `/metrics` (plugin/prometheus, :9153).
 */
import http from 'node:http';
import type { HostPort } from './resolv-conf.js';

export interface OpsEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

export type Route = () => { status: number; body: string; type?: string };

export async function serveOps(listen: HostPort, routes: Record<string, Route>): Promise<OpsEndpoint> {
  const server = http.createServer((req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0]!;
      const route = routes[path];
      const out = route ? route() : { status: 404, body: '404 page not found\n' };
      res.writeHead(out.status, { 'content-type': out.type ?? 'text/plain; charset=utf-8' });
      res.end(out.body);
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
