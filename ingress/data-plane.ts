/**
 * startDataPlane: listeners + DataPlane + certificates, fed RouteTables by whoever owns the
 * control side (the controller, or a test/benchmark with a fixed ClusterState). `apply` swaps the
 * table atomically: no reload, no connection dropped.
 */
import type net from 'node:net';
import { emptyTable } from './compile.js';
import { IngressMetrics } from './metrics.js';
import type { RouteTable } from './model.js';
import { defaultHeadLimits, type HeadLimits } from './proxy/http-head.js';
import { DataPlane, defaultTimeouts, type Timeouts } from './proxy/plane.js';
import { httpHandler, httpsHandler, listenTcp, parseListen, pauseOnConnect, portOf, serve } from './server.js';
import { CertStore } from './tls/cert-store.js';
import { generateSelfSigned, type PemPair } from './tls/default-cert.js';
import { UpstreamPools } from './upstream/pool.js';

export interface DataPlaneOptions {
  /** HOST:PORT; '' disables the listener. */
  httpListen: string;
  httpsListen: string;
  /** Port put in HTTP → HTTPS redirects (default: the HTTPS listener's port). */
  redirectHttpsPort?: number;
  timeouts?: Partial<Timeouts>;
  limits?: Partial<HeadLimits>;
  accessLog?: (line: string) => void;
  defaultCert?: PemPair;
  metrics?: IngressMetrics;
  /** Already listening TCP servers (a worker process gets its parent's); listen options are then ignored. */
  servers?: { http?: net.Server; https?: net.Server };
  /** Tests only, see PoolOptions.dialAddress. */
  dialAddress?: (host: string, port: number) => { host: string; port: number };
}

export interface RunningDataPlane {
  readonly plane: DataPlane;
  readonly certs: CertStore;
  readonly metrics: IngressMetrics;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly servers: { http?: net.Server; https?: net.Server };
  apply(table: RouteTable): void;
  close(): Promise<void>;
}

let cachedDefaultCert: PemPair | undefined;

export async function startDataPlane(opts: DataPlaneOptions): Promise<RunningDataPlane> {
  const pools = new UpstreamPools({ dialAddress: opts.dialAddress });
  let planeRef: DataPlane | undefined;
  const metrics = opts.metrics ?? new IngressMetrics({ connections: () => planeRef?.live.size ?? 0 });
  const plane = (planeRef = new DataPlane({
    table: emptyTable(),
    pools,
    metrics,
    limits: { ...defaultHeadLimits, ...opts.limits },
    timeouts: { ...defaultTimeouts, ...opts.timeouts },
    accessLog: opts.accessLog,
  }));
  const certs = new CertStore(opts.defaultCert ?? (cachedDefaultCert ??= generateSelfSigned()));
  const stops: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const stop of stops.splice(0)) await stop();
    pools.close();
    plane.close();
  };
  try {
    const httpsServer = opts.servers?.https ?? (opts.httpsListen ? await listenTcp(parseListen(opts.httpsListen)) : undefined);
    const httpServer = opts.servers?.http ?? (opts.httpListen ? await listenTcp(parseListen(opts.httpListen)) : undefined);
    const httpsPort = httpsServer ? portOf(httpsServer) : 0;
    const httpPort = httpServer ? portOf(httpServer) : 0;
    if (httpsServer) stops.push(serve(httpsServer, httpsHandler(plane, certs, { proto: 'https', localPort: httpsPort, httpsPort, hsts: '' })));
    if (httpServer) pauseOnConnect(httpServer);
    if (httpServer) stops.push(serve(httpServer, httpHandler(plane, { proto: 'http', localPort: httpPort, httpsPort: opts.redirectHttpsPort ?? (httpsPort || 443), hsts: '' })));
    let closing: Promise<void> | undefined;
    return {
      plane,
      certs,
      metrics,
      httpPort,
      httpsPort,
      servers: { http: httpServer, https: httpsServer },
      apply(table: RouteTable) {
        certs.update(table);
        plane.swap(table);
        metrics.configApplied(table.routeCount, Date.now() / 1000);
      },
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
