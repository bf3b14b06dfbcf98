/** The meta.k8s.io/v1 Table shapes, and what a per-kind printer provides to fill one. */
import type { KubeObject } from '../types.js';
import { fieldDoc, type FieldDocKey } from './descriptions.js';

export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** metav1.TableRowCondition; printers set only `Completed` (for finished pods). */
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
  conditions?: unknown[];
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * Columns and cells for one kind. The API server always prints "wide" (kubectl hides priority-1
 * columns itself unless `-o wide`), so `cells` returns one value per column, in column order.
 */
export interface Printer {
  columns: TableColumn[];
  cells(obj: KubeObject, now: Date): unknown[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

interface ColumnOptions {
  format?: string;
  priority?: number;
}

/** A column whose description is a literal sentence from the upstream printer. */
export function column(name: string, type: string, description: string, opts: ColumnOptions = {}): TableColumn {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** A column described by an API field's documentation, as upstream does with SwaggerDoc(). */
export function docColumn(name: string, type: string, doc: FieldDocKey, opts: ColumnOptions = {}): TableColumn {
  return column(name, type, fieldDoc[doc], opts);
}

/** Wide-only column (priority 1). */
export const wide: ColumnOptions = { priority: 1 };

export const nameColumn = docColumn('Name', 'string', 'meta/v1 ObjectMeta.name', { format: 'name' });
export const ageColumn = docColumn('Age', 'string', 'meta/v1 ObjectMeta.creationTimestamp');
export const containersColumn = column('Containers', 'string', 'Names of each container in the template.', wide);
export const imagesColumn = column('Images', 'string', 'Images referenced by each container in the template.', wide);
