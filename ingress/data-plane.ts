/**
 * startDataPlane: listeners + DataPlane + certificates, fed RouteTables by whoever owns the
 * control side (the controller, or a test/benchmark with a fixed ClusterState). `apply` swaps the
 * table atomically: no reload, no connection dropped.
 */
import { emptyTable } from './compile.js';
import { IngressMetrics } from './metrics.js';
import type { RouteTable } from './model.js';
import { defaultHeadLimits, type HeadLimits } from './proxy/http-head.js';
import { DataPlane, defaultTimeouts, type Timeouts } from './proxy/plane.js';
import { listenHttp, listenHttps, parseListen, type Listener } from './server.js';
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
  /** Tests only, see PoolOptions.dialAddress. */
  dialAddress?: (host: string, port: number) => { host: string; port: number };
}

export interface RunningDataPlane {
  readonly plane: DataPlane;
  readonly certs: CertStore;
  readonly metrics: IngressMetrics;
  readonly httpPort: number;
  readonly httpsPort: number;
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
  const listeners: Listener[] = [];
  const closeAll = async () => {
    for (const l of listeners.splice(0)) await l.close();
    pools.close();
    plane.close();
  };
  try {
    const httpsAt = opts.httpsListen ? parseListen(opts.httpsListen) : undefined;
    let httpsPort = 0;
    if (httpsAt) {
      const l = await listenHttps(httpsAt, plane, certs, { httpsPort: 0, hsts: '' });
      listeners.push(l);
      httpsPort = l.port;
    }
    let httpPort = 0;
    if (opts.httpListen) {
      const l = await listenHttp(parseListen(opts.httpListen), plane, { httpsPort: opts.redirectHttpsPort ?? (httpsPort || 443), hsts: '' });
      listeners.push(l);
      httpPort = l.port;
    }
    let closing: Promise<void> | undefined;
    return {
      plane,
      certs,
      metrics,
      httpPort,
      httpsPort,
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
