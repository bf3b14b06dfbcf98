/**
 * ApiClient: a small typed client for the Kubernetes REST API (svcnet's own server or any real
 * cluster). Objects stay plain JSON; `ri` from api/resources.ts says where a kind lives.
 */
import type { Status } from '../api/errors.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { SvcnetError } from '../common/errors.js';
import { clientErrorFromResponse, isExpired } from './client-error.js';
import type { Connection } from './connection.js';
import { HttpTransport, type HttpRequest } from './http-transport.js';
import { queryString, resourcePath, type ResourceRef } from './paths.js';
import { defaultUserAgent } from './version.js';
import { readWatchStream, type WatchEvent } from './watch-stream.js';

/** What the client needs to know about a resource: where it lives and what its items are called. */
export type ResourceType = ResourceRef & { kind: string };

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  // JSON is YAML, so an object body serialized as JSON is a valid apply body.
  apply: 'application/apply-patch+yaml',
};

export interface ApiClientOptions {
  userAgent?: string;
  /** Per request, watches excepted. */
  requestTimeoutMs?: number;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; `list` still returns every item, following `continue`. */
  limit?: number;
  /** Start from this continue token (then `list` returns the rest). */
  continue?: string;
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface ObjectList<T> {
  items: T[];
  /** The list's resourceVersion: watch from here to see every later change. */
  resourceVersion: string;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take over fields other managers own. */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the stream after this long. */
  timeoutSeconds?: number;
}

export interface WatchHandle {
  /** Ends the watch; `done` then resolves. Idempotent. */
  close(): void;
  /**
   * Resolves when the stream ends (server closed it, or `close()`); rejects with a ClientError
   * for a non-2xx answer, or on a network or decode error, or if `onEvent` throws.
   */
  done: Promise<void>;
}

interface ListBody<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[] | null;
}

export class ApiClient {
  readonly connection: Connection;
  readonly #transport: HttpTransport;
  readonly #userAgent: string;
  readonly #timeoutMs: number;

  constructor(connection: Connection, options: ApiClientOptions = {}) {
    this.connection = connection;
    this.#transport = new HttpTransport(connection);
    this.#userAgent = options.userAgent ?? defaultUserAgent;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async get<T extends KubeObject = KubeObject>(ri: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.#call<T>('GET', resourcePath(ri, namespace, name));
  }

  /** Every matching object, following `continue` across pages; `namespace` undefined = all namespaces. */
  async list<T extends KubeObject = KubeObject>(ri: ResourceType, namespace?: string, opts: ListOptions = {}): Promise<ObjectList<T>> {
    try {
      return await this.#listPages<T>(ri, namespace, opts);
    } catch (err) {
      // An expired continue token: start over in one unpaged list, as client-go's pager does.
      if (!isExpired(err) || (opts.limit === undefined && opts.continue === undefined)) throw err;
      return this.#listPages<T>(ri, namespace, { ...opts, limit: undefined, continue: undefined });
    }
  }

  async create<T extends KubeObject>(ri: ResourceType, namespace: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = this.#namespaceFor(ri, namespace, obj);
    return this.#call<T>('POST', resourcePath(ri, ns) + writeQuery(opts), obj);
  }

  /** PUT: replaces the object; metadata.resourceVersion, when set, makes it a compare-and-swap. */
  async update<T extends KubeObject>(ri: ResourceType, namespace: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = this.#namespaceFor(ri, namespace, obj);
    return this.#call<T>('PUT', resourcePath(ri, ns, nameOf(obj)) + writeQuery(opts), obj);
  }

  async updateStatus<T extends KubeObject>(ri: ResourceType, namespace: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = this.#namespaceFor(ri, namespace, obj);
    return this.#call<T>('PUT', resourcePath(ri, ns, nameOf(obj), 'status') + writeQuery(opts), obj);
  }

  async patch<T extends KubeObject = KubeObject>(ri: ResourceType, namespace: string | undefined, name: string, body: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    return this.#patch<T>(resourcePath(ri, namespace, name), body, type, opts);
  }

  async patchStatus<T extends KubeObject = KubeObject>(ri: ResourceType, namespace: string | undefined, name: string, body: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    return this.#patch<T>(resourcePath(ri, namespace, name, 'status'), body, type, opts);
  }

  /** GET of a subresource such as `scale`. */
  async getSubresource<T = KubeObject>(ri: ResourceType, namespace: string | undefined, name: string, subresource: string): Promise<T> {
    return this.#call<T>('GET', resourcePath(ri, namespace, name, subresource));
  }

  /** POST to a subresource: pods/binding, pods/eviction. */
  async createSubresource<T = KubeObject>(ri: ResourceType, namespace: string | undefined, name: string, subresource: string, body: unknown, opts: WriteOptions = {}): Promise<T> {
    return this.#call<T>('POST', resourcePath(ri, namespace, name, subresource) + writeQuery(opts), body);
  }

  /** PUT to a subresource: namespaces/finalize, deployments/scale. */
  async updateSubresource<T = KubeObject>(ri: ResourceType, namespace: string | undefined, name: string, subresource: string, body: unknown, opts: WriteOptions = {}): Promise<T> {
    return this.#call<T>('PUT', resourcePath(ri, namespace, name, subresource) + writeQuery(opts), body);
  }

  async patchSubresource<T = KubeObject>(ri: ResourceType, namespace: string | undefined, name: string, subresource: string, body: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    return this.#patch<T>(resourcePath(ri, namespace, name, subresource), body, type, opts);
  }

  /** Answers the object (still there while finalizers run) or a Success Status. */
  async delete(ri: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<KubeObject | Status> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...opts };
    return this.#call<KubeObject | Status>('DELETE', resourcePath(ri, namespace, name), body);
  }

  /** Deletes every matching object of the collection; answers the list of what was deleted (or a Status). */
  async deleteCollection(ri: ResourceType, namespace: string | undefined, selectors: Pick<ListOptions, 'labelSelector' | 'fieldSelector'> = {}, opts: DeleteOptions = {}): Promise<unknown> {
    const query = queryString({ labelSelector: selectors.labelSelector, fieldSelector: selectors.fieldSelector });
    return this.#call('DELETE', resourcePath(ri, namespace) + query, { kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
  }

  /**
   * Streams changes to `onEvent` until the server ends the watch or `close()` is called.
   * ERROR events (e.g. code 410 Expired) are delivered like the others.
   */
  watch<T extends KubeObject = KubeObject>(ri: ResourceType, namespace: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    const abort = new AbortController();
    const query = queryString({
      watch: 'true',
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      allowWatchBookmarks: opts.allowWatchBookmarks || undefined,
      timeoutSeconds: opts.timeoutSeconds,
    });
    const request: HttpRequest = { method: 'GET', path: resourcePath(ri, namespace) + query, headers: this.#headers(), signal: abort.signal };
    const stream = async () => {
      const res = await this.#transport.open(request);
      if ((res.statusCode ?? 0) >= 300) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        throw clientErrorFromResponse(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
      }
      await readWatchStream<T>(res, onEvent);
    };
    // A close() ends the stream by aborting it, which is success from the caller's side.
    const done = stream().catch((err: unknown) => {
      if (!abort.signal.aborted) throw err;
    });
    return { close: () => abort.abort(), done };
  }

  /** Drops the idle pooled connections. */
  close(): void {
    this.#transport.close();
  }

  async #listPages<T extends KubeObject>(ri: ResourceType, namespace: string | undefined, opts: ListOptions): Promise<ObjectList<T>> {
    const items: T[] = [];
    let token = opts.continue;
    let resourceVersion = '';
    do {
      const query = queryString({
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: token,
        // A continue token carries its own snapshot; the server rejects both together.
        resourceVersion: token ? undefined : opts.resourceVersion,
      });
      const page = await this.#call<ListBody<T>>('GET', resourcePath(ri, namespace) + query, undefined, undefined, opts.signal);
      for (const item of page.items ?? []) items.push(withTypeMeta(ri, item));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token);
    return { items, resourceVersion };
  }

  async #patch<T>(path: string, body: unknown, type: PatchType, opts: PatchOptions): Promise<T> {
    if (type === 'apply' && !opts.fieldManager) {
      throw new SvcnetError('InvalidArgument', 'client: server-side apply needs a fieldManager');
    }
    return this.#call<T>('PATCH', path + writeQuery(opts), body, patchContentTypes[type]);
  }

  async #call<T>(method: string, path: string, body?: unknown, contentType = 'application/json', signal?: AbortSignal): Promise<T> {
    const headers = this.#headers();
    let text: string | undefined;
    if (body !== undefined) {
      text = typeof body === 'string' ? body : JSON.stringify(body);
      headers['Content-Type'] = contentType;
    }
    const res = await this.#transport.send({ method, path, headers, body: text, signal, timeoutMs: this.#timeoutMs });
    if (res.status < 200 || res.status >= 300) throw clientErrorFromResponse(res.status, res.body);
    try {
      return JSON.parse(res.body) as T;
    } catch (err) {
      throw new SvcnetError('DecodeError', `client: ${method} ${path}: answer is not JSON: ${res.body.slice(0, 200)}`, { cause: err });
    }
  }

  #headers(): Record<string, string> {
    return { Accept: 'application/json', 'User-Agent': this.#userAgent };
  }

  #namespaceFor(ri: ResourceType, namespace: string | undefined, obj: KubeObject): string | undefined {
    if (!ri.namespaced) return undefined;
    const ns = namespace ?? obj.metadata?.namespace;
    if (!ns) throw new SvcnetError('InvalidArgument', `client: ${ri.resource} "${obj.metadata?.name ?? ''}" needs a namespace`);
    return ns;
  }
}

function nameOf(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new SvcnetError('InvalidArgument', 'client: the object has no metadata.name');
  return name;
}

function writeQuery(opts: PatchOptions): string {
  return queryString({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined, force: opts.force || undefined });
}

/** Real servers leave kind/apiVersion off list items; callers expect whole objects. */
function withTypeMeta<T extends KubeObject>(ri: ResourceType, item: T): T {
  if (item.kind && item.apiVersion) return item;
  return { ...item, apiVersion: item.apiVersion || apiVersionOf(ri), kind: item.kind || ri.kind };
}
