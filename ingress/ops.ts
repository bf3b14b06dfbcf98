/** The status listener (ingress-nginx's :10254): /healthz and Prometheus /metrics. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostPort } from './server.js';

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function serveOps(at: HostPort, handlers: { healthy(): boolean; metrics(): string | Promise<string> }): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const ok = handlers.healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ok' : 'not ready');
    } else if (path === '/metrics') {
      void Promise.resolve(handlers.metrics()).then(
        (text) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
