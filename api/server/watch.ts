/**
 * Watch streams: one JSON object per line over a chunked response, as kube-apiserver sends them.
 * resourceVersion unset or "0" starts with a synthetic ADDED per matching object; N streams the
 * changes after N; a compacted N gets a single ERROR event (410 Expired). Objects that start or
 * stop matching the selectors arrive as ADDED or DELETED, as the watch cache sends them.
 */
import { gone, ApiError, badRequest } from '../errors.js';
import { encodeObject, encodeTable } from './encode.js';
import type { StoreEvent } from '../../store/types.js';
import { StoreError } from '../../store/errors.js';
import { apiVersionOf } from '../resources.js';
import type { KubeObject } from '../types.js';
import type { HandlerContext } from './resource-handler.js';
import { filterFromQuery } from './list-query.js';
import { presentationFor } from './negotiate.js';

/** A watch whose client reads slower than this much buffered output is closed (it will re-watch). */
const maxBufferedBytes = 16 * 1024 * 1024;
const bookmarkIntervalMs = 10_000;

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export function handleWatch(ctx: HandlerContext): void {
  const { registry, ri, query, res, req } = ctx;
  const filter = filterFromQuery(ri, query);
  const presentation = presentationFor(req.headers.accept, query);
  const rvParam = query.get('resourceVersion') ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: ${rvParam}`);
  const timeoutSeconds = query.get('timeoutSeconds') ? Number(query.get('timeoutSeconds')) : 1800 * (1 + Math.random());
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let closed = false;
  let firstTable = true;
  const timers: NodeJS.Timeout[] = [];
  let watcher: { close(): void } | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    timers.forEach(clearTimeout);
    timers.forEach(clearInterval);
    watcher?.close();
    ctx.watches?.delete(close);
    res.end();
  };
  ctx.watches?.add(close);

  /** The event's object as text: the object itself, or a one-row Table for kubectl get -w. */
  const encodeEventObject = (stored: KubeObject): string => {
    const obj = ctx.present ? ctx.present(stored) : stored;
    if (!presentation.table) return encodeObject(obj);
    const table = encodeTable(ri, [obj], { now: new Date(), includeObject: presentation.includeObject, resourceVersion: obj.metadata.resourceVersion, includeColumnDefinitions: firstTable });
    firstTable = false;
    return table;
  };

  const sendText = (type: EventType, objectText: string) => {
    if (closed) return;
    res.write(`{"type":"${type}","object":${objectText}}\n`);
    if (res.writableLength > maxBufferedBytes) close();
  };
  const send = (type: EventType, object: unknown) => sendText(type, JSON.stringify(object));

  const sendBookmark = (rev: number, initialEventsEnd = false) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(rev) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    send('BOOKMARK', { kind: ri.kind, apiVersion: apiVersionOf(ctx.view ?? ri), metadata });
  };

  const onEvent = (e: StoreEvent) => {
    const now = filter.matches(e.value);
    const before = e.prev !== undefined && filter.matches(e.prev);
    if (e.type === 'DELETED') {
      if (before || now) sendText('DELETED', encodeEventObject(e.value));
      return;
    }
    if (now && (e.type === 'ADDED' || !before)) sendText('ADDED', encodeEventObject(e.value));
    else if (now) sendText('MODIFIED', encodeEventObject(e.value));
    else if (before) sendText('DELETED', encodeEventObject(e.value));
  };

  req.on('close', close);
  res.on('error', close);

  let fromRev: number;
  if (rvParam === '' || rvParam === '0' || sendInitialEvents) {
    const listed = registry.list(ri, ctx.namespace);
    for (const item of listed.items) if (filter.matches(item.value)) sendText('ADDED', encodeEventObject(item.value));
    fromRev = listed.rev;
    if (sendInitialEvents && bookmarks) sendBookmark(fromRev, true);
  } else {
    fromRev = Number(rvParam);
  }
  try {
    watcher = registry.watch(ri, ctx.namespace, fromRev, onEvent);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'Compacted') {
      const status = gone(`too old resource version: ${fromRev} (${registry.store.compactedRevision() + 1})`).toStatus();
      send('ERROR', status);
      close();
      return;
    }
    throw err instanceof ApiError ? err : err;
  }
  if (closed) {
    watcher.close();
    return;
  }
  timers.push(setTimeout(close, Math.max(1, timeoutSeconds) * 1000));
  if (bookmarks) timers.push(setInterval(() => sendBookmark(registry.store.currentRevision()), bookmarkIntervalMs));
}
