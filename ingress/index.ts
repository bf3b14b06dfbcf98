/**
 * startIngress: the whole Ingress controller as one component — informers → compile → data plane
 * swap, HTTP and HTTPS listeners, Ingress status, Warning events, /healthz and /metrics.
 */
import type { KubeObject } from '../api/types.js';
import { ApiClient } from '../client/rest.js';
import { isAlreadyExists } from '../client/client-error.js';
import { InformerFactory } from '../client/informer-factory.js';
import { loadConnection } from '../client/kubeconfig.js';
import { logger } from '../common/log.js';
import { EventRecorder } from '../controllers/events/recorder.js';
import { batchedAccessLog, type AccessLog } from './access-log.js';
import { classPolicy, svcnetController } from './class-selection.js';
import { IngressController, informerSources, ingressClassesResource, type IngressSources } from './controller.js';
import { startDataPlane, type RunningDataPlane } from './data-plane.js';
import { ProblemReporter } from './events.js';
import { defaultClassAnnotation } from './from-api.js';
import { serveOps } from './ops.js';
import { parseListen } from './server.js';
import { defaultPublishAddresses, StatusWriter } from './status.js';
import { mergeMetrics, WorkerPool } from './workers.js';
import { SvcnetError } from '../common/errors.js';

const log = logger('ingress');

export interface IngressOptions {
  kubeconfig?: string;
  client?: ApiClient;
  /** Share the watches of a process that runs other components (`svcnet up`). */
  informers?: InformerFactory;
  /** Stand-in object sources (tests); no status or events are written without a client. */
  sources?: IngressSources;
  /** HOST:PORT; '' disables. Defaults 0.0.0.0:80, 0.0.0.0:443, 127.0.0.1:10254. */
  httpListen?: string;
  httpsListen?: string;
  statusListen?: string;
  /** Serve only this class (by name or legacy annotation); default: `svcnet`, `nginx` and class-less. */
  ingressClass?: string;
  /** Written into status.loadBalancer.ingress; default: the HTTP listen address or the node's first IPv4. */
  publishAddresses?: string[];
  /** Create IngressClass `svcnet` (default class) when missing. Default true. */
  ensureIngressClass?: boolean;
  /** Access log: true (stdout, batched; the default), false, or a line sink. */
  accessLog?: boolean | ((line: string) => void);
  /**
   * Data-plane processes (default 1): N > 1 forks N-1 workers that accept on the same sockets and
   * follow the same RouteTable (see workers.ts). Useful with more than one core to spare.
   */
  workers?: number;
  /** Tests only: where to really dial an endpoint address (see PoolOptions.dialAddress). */
  dialAddress?: (host: string, port: number) => { host: string; port: number };
}

export interface RunningIngress {
  close(): Promise<void>;
  ready(): boolean;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly statusPort: number;
  readonly dataPlane: RunningDataPlane;
  readonly controller: IngressController;
}

export async function startIngress(opts: IngressOptions): Promise<RunningIngress> {
  const httpListen = opts.httpListen ?? '0.0.0.0:80';
  const httpsListen = opts.httpsListen ?? '0.0.0.0:443';
  const statusListen = opts.statusListen ?? '127.0.0.1:10254';
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        log.warn('close step failed', { err });
      }
    }
  };
  try {
    const client = opts.client ?? (opts.sources || opts.informers ? undefined : new ApiClient(await loadConnection({ path: opts.kubeconfig })));
    if (client && !opts.client) closers.push(() => client.close());
    let access: AccessLog | undefined;
    let accessSink: ((line: string) => void) | undefined;
    if (typeof opts.accessLog === 'function') accessSink = opts.accessLog;
    else if (opts.accessLog !== false) {
      access = batchedAccessLog();
      accessSink = (l) => access!.line(l);
      closers.push(() => access!.close());
    }
    const dp = await startDataPlane({ httpListen, httpsListen, accessLog: accessSink, dialAddress: opts.dialAddress });
    closers.push(() => dp.close());

    const workerCount = opts.workers ?? 1;
    if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 64) throw new SvcnetError('InvalidArgument', `ingress: workers must be 1..64, got ${workerCount}`);
    let pool: WorkerPool | undefined;
    if (workerCount > 1) {
      const p = (pool = await WorkerPool.start(workerCount - 1, dp.servers, { ingressClass: opts.ingressClass, accessLog: accessSink !== undefined && typeof opts.accessLog !== 'function', defaultCert: dp.certs.fallbackPem }));
      closers.push(() => p.close());
    }

    if (client && opts.ensureIngressClass !== false) await ensureIngressClass(client);
    let sources = opts.sources;
    if (!sources) {
      let factory = opts.informers;
      if (!factory) {
        const own = (factory = new InformerFactory(client!));
        closers.push(() => own.stop());
      }
      sources = informerSources(factory);
      factory.start();
    }
    const published = opts.publishAddresses ?? defaultPublishAddresses(httpListen ? parseListen(httpListen).host : undefined);
    const statusWriter = client ? new StatusWriter(client, published) : undefined;
    const recorder = client ? new EventRecorder(client, { component: 'svcnet-ingress' }) : undefined;
    const reporter = new ProblemReporter(recorder);
    const controller = new IngressController(sources, classPolicy(opts.ingressClass), {
      apply: (table) => dp.apply(table),
      changes: pool ? (changes, generation) => pool.sendChanges(changes, generation) : undefined,
      problems: (p, ings) => reporter.report(p, ings),
      served: (table, ings) => statusWriter?.update(table, ings),
    });
    controller.start();
    closers.push(() => controller.stop());

    let statusPort = 0;
    if (statusListen) {
      const ops = await serveOps(parseListen(statusListen), { healthy: () => controller.synced, metrics: async () => (pool ? mergeMetrics([dp.metrics.render(), ...(await pool.metrics())]) : dp.metrics.render()) });
      statusPort = ops.port;
      closers.push(() => ops.close());
    }
    log.info('ingress serving', { http: httpListen ? dp.httpPort : 'off', https: httpsListen ? dp.httpsPort : 'off', status: statusPort || 'off', class: opts.ingressClass ?? 'svcnet,nginx,none', publish: published.join(',') });
    let closing: Promise<void> | undefined;
    return {
      close: () => (closing ??= closeAll()),
      ready: () => controller.synced,
      httpPort: dp.httpPort,
      httpsPort: dp.httpsPort,
      statusPort,
      dataPlane: dp,
      controller,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** IngressClass `svcnet`, marked default (shared/design.md), created once if absent; never overwritten. */
async function ensureIngressClass(client: ApiClient): Promise<void> {
  const cls: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'svcnet', annotations: { [defaultClassAnnotation]: 'true' } },
    spec: { controller: svcnetController },
  };
  try {
    await client.create(ingressClassesResource, undefined, cls);
    log.info('created IngressClass svcnet (default class)');
  } catch (err) {
    if (!isAlreadyExists(err)) log.warn('cannot create IngressClass svcnet', { err });
  }
}
