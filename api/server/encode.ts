/**
 * JSON encoding of answers with a per-object cache. Stored objects are frozen and shared, so
 * the text of each one (and of its PartialObjectMetadata, for Table rows) is computed once and
 * reused by every list, table and watch event that carries it: a LIST of 10,000 objects becomes
 * string concatenation, and N watchers of one change serialise it once.
 */
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { renderTable, type IncludeObject } from '../tables/index.js';

const objectText = new WeakMap<object, string>();
const metadataText = new WeakMap<object, string>();

export function encodeObject(obj: KubeObject): string {
  if (!Object.isFrozen(obj)) return JSON.stringify(obj);
  let s = objectText.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    objectText.set(obj, s);
  }
  return s;
}

function encodePartialMetadata(obj: KubeObject): string {
  let s = Object.isFrozen(obj) ? metadataText.get(obj) : undefined;
  if (s === undefined) {
    s = `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(obj.metadata)}}`;
    if (Object.isFrozen(obj)) metadataText.set(obj, s);
  }
  return s;
}

export function encodeList(ri: ResourceInfo, apiVersion: string, metadata: object, items: KubeObject[]): string {
  let s = `{"kind":${JSON.stringify(ri.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`;
  for (let i = 0; i < items.length; i++) s += (i ? ',' : '') + encodeObject(items[i]);
  return s + ']}';
}

export interface TableEncodeOptions {
  now: Date;
  includeObject: IncludeObject;
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
  includeColumnDefinitions?: boolean;
}

/** A meta.k8s.io/v1 Table as text; rows' objects come from the cache. */
export function encodeTable(ri: ResourceInfo, items: KubeObject[], opts: TableEncodeOptions): string {
  const table = renderTable(ri, items, { ...opts, includeObject: 'None' });
  const { rows, ...head } = table;
  let s = JSON.stringify(head).slice(0, -1) + ',"rows":[';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    s += (i ? ',' : '') + `{"cells":${JSON.stringify(row.cells)}`;
    if (row.conditions) s += `,"conditions":${JSON.stringify(row.conditions)}`;
    if (opts.includeObject === 'Object') s += `,"object":${encodeObject(items[i])}`;
    else if (opts.includeObject === 'Metadata') s += `,"object":${encodePartialMetadata(items[i])}`;
    s += '}';
  }
  return s + ']}';
}
