/** Test helpers: build objects tersely and read a printed row by column name. */
import type { KubeObject } from '../../types.js';
import type { Printer } from '../types.js';

/** The fixed clock every printer test renders against. */
export const now = new Date('2024-05-01T12:00:00Z');

/** An RFC 3339 timestamp `seconds` before `now`. */
export function ago(seconds: number): string {
  return new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

export function kube(kind: string, apiVersion: string, name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: 'default', creationTimestamp: ago(120), ...meta }, ...rest };
}

/** Cells keyed by column name, so tests say which column they mean. */
export function row(printer: Printer, o: KubeObject): Record<string, unknown> {
  const cells = printer.cells(o, now);
  if (cells.length !== printer.columns.length) throw new Error(`${cells.length} cells for ${printer.columns.length} columns`);
  return Object.fromEntries(printer.columns.map((c, i) => [c.name, cells[i]]));
}

/** Only the listed columns of a row. */
export function pick(printer: Printer, o: KubeObject, names: string[]): unknown[] {
  const r = row(printer, o);
  return names.map((n) => {
    if (!(n in r)) throw new Error(`no column ${n}`);
    return r[n];
  });
}
