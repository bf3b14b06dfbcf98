/**
 * A stand-in API server for ONE resource that speaks the list/watch protocol of kube-api.md §5
 * (JSON lines over a chunked response, resourceVersions, 410 Expired, bookmarks), with knobs to
 * break it the ways real servers break: close watches, forget history, go away and come back.
 * Only for tests of the client until the real server exists. Serves the collection for all
 * namespaces and per namespace; label selectors: `k=v` terms only.
 */
import type http from 'node:http';
import { apiVersionOf } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { groupVersionPath, resourcePath } from '../paths.js';
import type { ResourceType } from '../rest.js';
import { listen, type Listening } from './listen.js';
import type { RecordedRequest } from './recording-server.js';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface LoggedEvent {
  rv: number;
  type: EventType;
  object: KubeObject;
}

/** What a list or watch asks for: a namespace ('' = all) and a label selector. */
interface Scope {
  namespace: string;
  labelSelector: string;
}

interface Watcher extends Scope {
  res: http.ServerResponse;
  bookmarks: boolean;
}

export class StandInListWatchServer {
  readonly resource: ResourceType;
  /** Every request received (bodies not read: this server only answers GETs). */
  readonly requests: Omit<RecordedRequest, 'body'>[] = [];
  /** How to refuse a watch from a forgotten resourceVersion: HTTP 410, or 200 + an ERROR event. */
  expiredAs: 'http' | 'event' = 'event';
  readonly #objects = new Map<string, KubeObject>();
  #log: LoggedEvent[] = [];
  #rv = 100;
  /** Watches from before this version get 410. */
  #oldestWatchable = 100;
  #watchers = new Set<Watcher>();
  #listening?: Listening;

  constructor(resource: ResourceType) {
    this.resource = resource;
  }

  async start(port?: number): Promise<string> {
    this.#listening = await listen((req, res) => this.#handle(req, res), { port });
    return this.#listening.url;
  }

  /** Like a crashed server: every connection drops. Objects and history stay, for a restart. */
  async stop(): Promise<void> {
    const l = this.#listening;
    this.#listening = undefined;
    this.#watchers.clear();
    await l?.close();
  }

  get port(): number {
    return this.#listening?.port ?? 0;
  }

  get url(): string {
    return this.#listening?.url ?? '';
  }

  get collectionPath(): string {
    return resourcePath(this.resource);
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Creates or replaces an object, stamping a new resourceVersion; returns the stored copy. */
  put(obj: KubeObject): KubeObject {
    const key = keyOf(obj);
    const type: EventType = this.#objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone(obj);
    stored.metadata = { ...stored.metadata, resourceVersion: String(++this.#rv) };
    this.#objects.set(key, stored);
    this.#record(type, stored);
    return stored;
  }

  remove(namespace: string | undefined, name: string): void {
    const key = namespace ? `${namespace}/${name}` : name;
    const old = this.#objects.get(key);
    if (!old) throw new Error(`stand-in: no ${key}`);
    this.#objects.delete(key);
    this.#record('DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.#rv) } });
  }

  /** Forgets the event history, as etcd compaction does: older watches now get 410. */
  compact(): void {
    this.#log = [];
    this.#oldestWatchable = this.#rv;
  }

  /** Ends every open watch normally (as a server-side timeout does). */
  closeWatches(): void {
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  sendBookmark(): void {
    const object = { apiVersion: apiVersionOf(this.resource), kind: this.resource.kind, metadata: { resourceVersion: String(this.#rv) } };
    for (const w of this.#watchers) if (w.bookmarks) writeEvent(w.res, 'BOOKMARK', object);
  }

  /** Resolves once at least `n` watches are open (polls; tests use it to know the informer is watching). */
  async waitForWatchers(n = 1, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#watchers.size < n) {
      if (Date.now() > deadline) throw new Error(`stand-in: ${this.#watchers.size} watchers after ${timeoutMs} ms, wanted ${n}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  #record(type: EventType, object: KubeObject): void {
    const event = { rv: this.#rv, type, object };
    this.#log.push(event);
    for (const w of this.#watchers) if (inScope(object, w)) writeEvent(w.res, type, object);
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const namespace = this.#namespaceOf(url.pathname);
    if (req.method !== 'GET' || namespace === undefined) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    const q = url.searchParams;
    const scope: Scope = { namespace, labelSelector: q.get('labelSelector') ?? '' };
    if (q.get('watch') === 'true' || q.get('watch') === '1') this.#watch(q, scope, res);
    else this.#list(q, scope, res);
  }

  /** '' for the all-namespaces collection, the namespace for a namespaced one, undefined for other paths. */
  #namespaceOf(pathname: string): string | undefined {
    if (pathname === this.collectionPath) return '';
    const prefix = `${groupVersionPath(this.resource)}/namespaces/`;
    const suffix = `/${this.resource.resource}`;
    if (!this.resource.namespaced || !pathname.startsWith(prefix) || !pathname.endsWith(suffix)) return undefined;
    const ns = pathname.slice(prefix.length, -suffix.length);
    return ns && !ns.includes('/') ? decodeURIComponent(ns) : undefined;
  }

  #list(q: URLSearchParams, scope: Scope, res: http.ServerResponse): void {
    const all = [...this.#objects.values()].filter((o) => inScope(o, scope));
    const start = Number(q.get('continue') || 0);
    const limit = Number(q.get('limit') || 0) || all.length;
    const items = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : undefined;
    const body = { kind: this.resource.kind + 'List', apiVersion: apiVersionOf(this.resource), metadata: { resourceVersion: String(this.#rv), continue: next }, items };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  #watch(q: URLSearchParams, scope: Scope, res: http.ServerResponse): void {
    const from = q.get('resourceVersion') ?? '';
    if (from !== '' && from !== '0' && Number(from) < this.#oldestWatchable) return this.#refuseExpired(res, from);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (from === '' || from === '0') {
      for (const o of this.#objects.values()) if (inScope(o, scope)) writeEvent(res, 'ADDED', o);
    } else {
      for (const e of this.#log) if (e.rv > Number(from) && inScope(e.object, scope)) writeEvent(res, e.type, e.object);
    }
    const watcher: Watcher = { ...scope, res, bookmarks: q.get('allowWatchBookmarks') === 'true' };
    this.#watchers.add(watcher);
    res.on('close', () => this.#watchers.delete(watcher));
  }

  #refuseExpired(res: http.ServerResponse, from: string): void {
    const message = `too old resource version: ${from} (${this.#oldestWatchable})`;
    if (this.expiredAs === 'http') return sendStatus(res, 410, 'Expired', message);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    writeEvent(res, 'ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 });
    res.end();
  }
}

function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : `${obj.metadata.name}`;
}

function inScope(obj: KubeObject, scope: Scope): boolean {
  if (scope.namespace && obj.metadata.namespace !== scope.namespace) return false;
  if (!scope.labelSelector) return true;
  return scope.labelSelector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return obj.metadata.labels?.[k] === v;
  });
}

function writeEvent(res: http.ServerResponse, type: string, object: unknown): void {
  res.write(JSON.stringify({ type, object }) + '\n');
}

function sendStatus(res: http.ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}
