/**
 * svcnet's Kubernetes API server: HTTPS with bearer-token authentication, discovery, OpenAPI,
 * and the resource verbs over the embedded store. `startApiServer` returns once it accepts
 * writes; `close()` stops it and closes the store.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { apiVersionOf, findAlias, findResource, servedGroupVersions } from '../resources.js';
import { ingressToLegacy } from '../validation/legacy-ingress.js';
import { methodNotAllowed, pathNotFound, unauthorized, notFound, ApiError } from '../errors.js';
import { openSqliteStore } from '../../store/sqlite-store.js';
import type { Store } from '../../store/types.js';
import { Registry } from '../registry/registry.js';
import { ServiceAllocator } from '../registry/service-allocation.js';
import { nthAddress } from '../registry/ip.js';
import {
  acceptsAggregatedDiscovery,
  aggregatedDiscovery,
  aggregatedDiscoveryContentType,
  apiGroup,
  legacyApiGroupList,
  legacyApiResourceList,
  legacyApiVersions,
} from '../discovery.js';
import { openApiV3Document, openApiV3Index } from '../openapi/index.js';
import { logger } from '../../common/log.js';
import { ensurePki, type Pki } from './pki.js';
import { renderAdminKubeconfig, writeAdminKubeconfig } from './kubeconfig.js';
import { parseRequestPath, type ResourceRequest } from './request-info.js';
import { sendError, sendJson, sendText } from './http-util.js';
import { handleCreate, handleDelete, handleDeleteCollection, handleGet, handleList, handlePatch, handleUpdate, type HandlerContext } from './resource-handler.js';
import { handleWatch } from './watch.js';
import { handleSubresource, type PodConnector } from './subresources.js';
import { bootstrapCluster } from './bootstrap.js';
import { nodeIPv4Addresses } from './node-addresses.js';
import { versionInfo } from './version.js';
import { kubeletConnector, kubeletUpgradeHandler } from './kubelet-proxy.js';

const log = logger('apiserver');

export interface ApiServerOptions {
  dataDir: string;
  /** host:port; port 0 picks a free one (tests). */
  listen?: string;
  serviceCIDR?: string;
  nodePortRange?: string;
  clusterDomain?: string;
  /** The address the `kubernetes` Service's endpoints point at (default: the node's first address). */
  advertiseAddress?: string;
}

export interface ApiServer {
  url: string;
  port: number;
  kubeconfigPath: string;
  kubeconfig: string;
  pki: Pki;
  registry: Registry;
  store: Store;
  /** Lets the node agent serve pods/log and pods/exec through the API. */
  setPodConnector(c: PodConnector | undefined): void;
  /** Ends every open watch stream, as a server does when its watch timeout passes (clients re-watch). */
  endWatches(): void;
  /** Lets the node agent take WebSocket upgrades for pods/exec and pods/attach. */
  setUpgradeHandler(h: ((req: IncomingMessage, socket: Socket, head: Buffer, pod: { namespace: string; name: string; subresource: string }) => void) | undefined): void;
  close(): Promise<void>;
}

function splitHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  if (i < 0) throw new Error(`--listen wants HOST:PORT, got ${JSON.stringify(listen)}`);
  const host = listen.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(listen.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen: invalid port in ${JSON.stringify(listen)}`);
  return { host, port };
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { host, port } = splitHostPort(opts.listen ?? '127.0.0.1:6443');
  const serviceCIDR = opts.serviceCIDR ?? '10.96.0.0/12';
  const domain = opts.clusterDomain ?? 'cluster.local';
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const store = openSqliteStore(join(opts.dataDir, 'store.db'));
  const allocator = new ServiceAllocator({ serviceCIDR, nodePortRange: opts.nodePortRange ?? '30000-32767' });
  const registry = new Registry(store, { allocator });
  const nodeAddrs = nodeIPv4Addresses();
  const kubernetesIP = nthAddress(allocator.cidr, 1);
  const ipSANs = [...new Set(['127.0.0.1', kubernetesIP, ...nodeAddrs, ...(host && host !== '0.0.0.0' && host !== '::' ? [host] : [])])];
  const dnsSANs = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`, hostname()];
  const pki = ensurePki({ dir: join(opts.dataDir, 'pki'), ipSANs, dnsSANs });

  let podConnector: PodConnector | undefined = kubeletConnector(registry, pki.adminToken);
  let upgradeHandler: Parameters<ApiServer['setUpgradeHandler']>[0] = kubeletUpgradeHandler(registry, pki.adminToken);
  let ready = false;
  const watches = new Set<() => void>();
  const token = Buffer.from(pki.adminToken);

  const authenticated = (req: IncomingMessage): boolean => {
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Bearer ')) return false;
    const given = Buffer.from(h.slice(7).trim());
    return given.length === token.length && timingSafeEqual(given, token);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://svcnet.invalid');
    const path = url.pathname;
    if (path === '/healthz' || path === '/livez' || path.startsWith('/healthz/') || path.startsWith('/livez/')) return sendText(res, 200, 'ok');
    if (path === '/readyz' || path.startsWith('/readyz/')) return ready ? sendText(res, 200, 'ok') : sendText(res, 503, 'not ready: store or bootstrap pending');
    if (path === '/version' || path === '/version/') return sendJson(res, 200, versionInfo());
    if (!authenticated(req)) throw unauthorized();
    const parsed = parseRequestPath(req.method ?? 'GET', path, url.searchParams);
    if (parsed.kind === 'nonresource') return serveNonResource(req, res, path, url.searchParams);
    return serveResource(req, res, parsed, url.searchParams);
  };

  const serveNonResource = (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    const p = path.replace(/\/+$/, '') || '/';
    const aggregated = acceptsAggregatedDiscovery(req.headers.accept);
    if (p === '/api' || p === '/apis') {
      if (aggregated) return sendJson(res, 200, aggregatedDiscovery(p === '/api' ? 'api' : 'apis'), { 'Content-Type': aggregatedDiscoveryContentType, Vary: 'Accept' });
      return sendJson(res, 200, p === '/api' ? legacyApiVersions(`${host === '0.0.0.0' ? '127.0.0.1' : host}:${server.address() && typeof server.address() === 'object' ? (server.address() as { port: number }).port : port}`) : legacyApiGroupList(), { Vary: 'Accept' });
    }
    let m = /^\/api\/(v1)$/.exec(p);
    if (m) return sendOr404(res, legacyApiResourceList('', m[1]));
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) return sendOr404(res, legacyApiResourceList(m[1], m[2]));
    m = /^\/apis\/([^/]+)$/.exec(p);
    if (m) return sendOr404(res, apiGroup(m[1]));
    if (p === '/openapi/v3') return sendJson(res, 200, openApiV3Index());
    if (p.startsWith('/openapi/v3/')) return sendOr404(res, openApiV3Document(p.slice('/openapi/v3/'.length)), { 'Cache-Control': query.get('hash') ? 'public, immutable' : 'no-cache' });
    if (p === '/') return sendJson(res, 200, { paths: ['/api', '/api/v1', '/apis', ...servedGroupVersions().filter((g) => g.group).map((g) => `/apis/${g.group}/${g.version}`), '/healthz', '/livez', '/openapi/v3', '/readyz', '/version'] });
    throw pathNotFound();
  };

  const sendOr404 = (res: ServerResponse, body: object | undefined, headers: Record<string, string> = {}) => {
    if (!body) throw pathNotFound();
    sendJson(res, 200, body, headers);
  };

  const serveResource = async (req: IncomingMessage, res: ServerResponse, r: ResourceRequest, query: URLSearchParams): Promise<void> => {
    const alias = findAlias(r.group, r.version, r.resource);
    const ri = alias?.storedAs ?? findResource(r.group, r.version, r.resource);
    if (!ri) throw pathNotFound();
    if (ri.namespaced && r.name !== undefined && r.namespace === undefined) throw pathNotFound();
    if (!ri.namespaced && r.namespace !== undefined) throw pathNotFound();
    const ctx: HandlerContext = { registry, req, res, query, ri, namespace: r.namespace, name: r.name, watches };
    if (alias) {
      ctx.view = alias;
      ctx.present = (obj) => ingressToLegacy(obj, apiVersionOf(alias));
    }
    if (r.subresource) return handleSubresource(ctx, r.subresource, r.verb, podConnector);
    if (r.verb !== 'connect' && !ri.verbs.includes(r.verb)) throw methodNotAllowed();
    switch (r.verb) {
      case 'get':
        return handleGet(ctx);
      case 'list':
        return handleList(ctx);
      case 'watch':
        return handleWatch(ctx);
      case 'create':
        return handleCreate(ctx);
      case 'update':
        return handleUpdate(ctx);
      case 'patch':
        return handlePatch(ctx);
      case 'delete':
        return handleDelete(ctx);
      case 'deletecollection':
        return handleDeleteCollection(ctx);
      default:
        throw methodNotAllowed();
    }
  };

  const server: Server = createServer({ cert: pki.serverCert, key: pki.serverKey, minVersion: 'TLSv1.2' }, (req, res) => {
    handle(req, res).catch((err) => {
      if (!(err instanceof ApiError)) log.error('request failed', { method: req.method, url: req.url, err: (err as Error)?.stack ?? String(err) });
      sendError(res, err);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://svcnet.invalid');
    const parsed = parseRequestPath('POST', url.pathname, url.searchParams);
    const reject = (err: ApiError) => {
      const body = JSON.stringify(err.toStatus());
      socket.end(`HTTP/1.1 ${err.httpCode} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (!authenticated(req)) return reject(unauthorized());
    if (parsed.kind !== 'resource' || parsed.resource !== 'pods' || !parsed.name || !parsed.subresource || !['exec', 'attach', 'portforward'].includes(parsed.subresource)) {
      return reject(pathNotFound());
    }
    const pods = findResource('', 'v1', 'pods')!;
    const pod = registry.tryGet(pods, parsed.namespace, parsed.name);
    if (!pod) return reject(notFound(pods, parsed.name));
    if (!upgradeHandler) {
      const node = (pod.spec as { nodeName?: string }).nodeName;
      return reject(new ApiError(node ? 503 : 400, node ? 'ServiceUnavailable' : 'BadRequest', node ? `no node agent serves node "${node}" (start it with \`svcnet agent\` or \`svcnet up\`)` : `pod ${parsed.name} does not have a host assigned`));
    }
    upgradeHandler(req, socket, head, { namespace: parsed.namespace!, name: parsed.name, subresource: parsed.subresource });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as { port: number }).port;
  const advertise = opts.advertiseAddress ?? nodeAddrs[0] ?? '127.0.0.1';
  bootstrapCluster(registry, { advertiseAddress: advertise, port: boundPort });
  const clientHost = host === '0.0.0.0' || host === '' || host === '::' ? '127.0.0.1' : host;
  const url = `https://${clientHost.includes(':') ? `[${clientHost}]` : clientHost}:${boundPort}`;
  const kubeconfig = renderAdminKubeconfig({ server: url, caCert: pki.caCert, token: pki.adminToken });
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig.yaml');
  writeAdminKubeconfig(kubeconfigPath, kubeconfig);
  ready = true;
  log.info('API server ready', { url, dataDir: opts.dataDir });

  let closing: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    kubeconfigPath,
    kubeconfig,
    pki,
    registry,
    store,
    endWatches: () => {
      for (const close of [...watches]) close();
    },
    setPodConnector: (c) => {
      podConnector = c;
    },
    setUpgradeHandler: (h) => {
      upgradeHandler = h;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        ready = false;
        for (const close of [...watches]) close();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }).then(() => store.close());
      return closing;
    },
  };
}
