/**
 * Objects to a meta.k8s.io/v1 Table, as the API server answers `Accept: ...;as=Table`.
 * Pure: the caller passes `now`, so ages are reproducible in tests and consistent across rows.
 */
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { printerFor } from './printers/index.js';
import type { IncludeObject, Table, TableRow } from './types.js';

export interface RenderOptions {
  now: Date;
  /** What each row carries besides its cells; the API server's default is `Metadata`. */
  includeObject?: IncludeObject;
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
  /** Default true. Watch events after the first send no column definitions. */
  includeColumnDefinitions?: boolean;
}

export function renderTable(info: ResourceInfo, objects: KubeObject[], opts: RenderOptions): Table {
  const printer = printerFor(info);
  const include = opts.includeObject ?? 'Metadata';
  const rows = objects.map((o): TableRow => {
    const row: TableRow = { cells: printer.cells(o, opts.now) };
    const conditions = printer.conditions?.(o);
    if (conditions) row.conditions = conditions;
    const object = rowObject(o, include);
    if (object !== undefined) row.object = object;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta(opts),
    columnDefinitions: opts.includeColumnDefinitions === false ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}

function listMeta(opts: RenderOptions): Table['metadata'] {
  const meta: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined) meta.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) meta.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) meta.remainingItemCount = opts.remainingItemCount;
  return meta;
}

/**
 * The row's object: kubectl reads namespace and labels from it (`-A`, `--show-labels`, `-L`),
 * and sorts on the full object with `--sort-by` (which asks for `includeObject=Object`).
 */
function rowObject(o: KubeObject, include: IncludeObject): unknown {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return o;
    case 'Metadata':
      return asPartialObjectMetadata(o);
  }
}

/** All of the object's metadata, as upstream's meta.AsPartialObjectMetadata copies it. */
export function asPartialObjectMetadata(o: KubeObject): { kind: 'PartialObjectMetadata'; apiVersion: 'meta.k8s.io/v1'; metadata: KubeObject['metadata'] } {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { ...o.metadata } };
}
