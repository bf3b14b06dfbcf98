/**
 * Kubeconfig → Connection. Loading, contexts, in-cluster service accounts and auth plugins (exec,
 * OIDC, token files) are all @kubernetes/client-node's; this file only turns its result into the
 * TLS settings and headers our own transport uses.
 */
import type https from 'node:https';
// Types only: the package itself (hundreds of modules, over a second to load on this machine) is
// imported when a kubeconfig is actually read, so commands that never read one start fast.
import type { KubeConfig, User } from '@kubernetes/client-node';
import { SvcnetError } from '../common/errors.js';
import type { Connection, TlsSettings } from './connection.js';
import { ApiClient, type ApiClientOptions } from './rest.js';

export interface KubeconfigSource {
  /** A kubeconfig file; without it the default rules apply: $KUBECONFIG, ~/.kube/config, in-cluster. */
  path?: string;
  /** Overrides the file's current-context. */
  context?: string;
}

async function kubeConfigClass(): Promise<typeof KubeConfig> {
  return (await import('@kubernetes/client-node')).KubeConfig;
}

export async function loadKubeConfig(source: KubeconfigSource = {}): Promise<KubeConfig> {
  const kc = new (await kubeConfigClass())();
  try {
    if (source.path) kc.loadFromFile(source.path);
    else kc.loadFromDefault();
  } catch (err) {
    throw new SvcnetError('InvalidKubeconfig', `client: cannot load kubeconfig ${source.path ?? '(default)'}: ${(err as Error).message}`, { cause: err });
  }
  if (source.context) {
    if (!kc.getContextObject(source.context)) throw new SvcnetError('InvalidKubeconfig', `client: context "${source.context}" not found in kubeconfig`);
    kc.setCurrentContext(source.context);
  }
  return kc;
}

export async function loadConnection(source: KubeconfigSource = {}): Promise<Connection> {
  return connectionFromKubeConfig(await loadKubeConfig(source));
}

export async function connectionFromKubeConfig(kc: KubeConfig): Promise<Connection> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new SvcnetError('InvalidKubeconfig', `client: kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  const authSource = await plainHttpSafe(kc);
  const first = await applyKubeConfig(authSource);
  const user = kc.getCurrentUser();
  // Static credentials are read once; plugins are asked again now and then because their tokens expire.
  const authHeaders = hasExpiringCredentials(user) ? refreshingHeaders(authSource, first.headers) : async () => first.headers;
  return {
    server: new URL(cluster.server),
    tls: first.tls,
    authHeaders,
    namespace: kc.getContextObject(kc.getCurrentContext())?.namespace,
  };
}

/**
 * client-node re-runs an exec plugin on every call when its credential has no expiry, so the
 * headers are kept for a few seconds instead of spawning a process per request.
 */
const authRefreshMs = 10_000;

function refreshingHeaders(kc: KubeConfig, initial: Record<string, string>): () => Promise<Record<string, string>> {
  let headers = initial;
  let fetchedAt = Date.now();
  return async () => {
    if (Date.now() - fetchedAt >= authRefreshMs) {
      headers = (await applyKubeConfig(kc)).headers;
      fetchedAt = Date.now();
    }
    return headers;
  };
}

function hasExpiringCredentials(user: User | null): boolean {
  return Boolean(user?.exec || user?.authProvider);
}

/**
 * client-node refuses to build an agent for an `http:` server unless TLS verification is off
 * (meaningless without TLS). Such servers are fine for us (a local svcnet server), so they are
 * read through a copy that says so.
 */
async function plainHttpSafe(kc: KubeConfig): Promise<KubeConfig> {
  if (!kc.getCurrentCluster()?.server.startsWith('http:')) return kc;
  const copy = new (await kubeConfigClass())();
  copy.loadFromOptions({
    clusters: kc.getClusters().map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c)),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return copy;
}

async function applyKubeConfig(kc: KubeConfig): Promise<{ tls: TlsSettings; headers: Record<string, string> }> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const tls: TlsSettings = {};
  if (opts.ca) tls.ca = Buffer.from(opts.ca as Buffer);
  if (opts.cert) tls.cert = Buffer.from(opts.cert as Buffer);
  if (opts.key) tls.key = Buffer.from(opts.key as Buffer);
  if (opts.rejectUnauthorized === false) tls.rejectUnauthorized = false;
  if (opts.servername) tls.servername = opts.servername;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return { tls, headers };
}

/** The usual start of a component: `--kubeconfig` (or the default rules) → a ready ApiClient. */
export async function clientFromKubeconfig(source: KubeconfigSource = {}, options: ApiClientOptions = {}): Promise<ApiClient> {
  return new ApiClient(await loadConnection(source), options);
}
