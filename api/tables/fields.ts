/**
 * Reading plain JSON objects without trusting their shape: stored objects come from clients and
 * may lack any field, so printers read through these instead of casting.
 */
import { isPlainObject } from '../types.js';

export type Obj = Record<string, unknown>;

const empty: Obj = Object.freeze({}) as Obj;

/** The nested object at `key`, or an empty one. */
export function obj(from: unknown, key: string): Obj {
  if (!isPlainObject(from)) return empty;
  const v = from[key];
  return isPlainObject(v) ? v : empty;
}

/** The nested object at `key`, or undefined when absent (Go's nil pointer). */
export function optObj(from: unknown, key: string): Obj | undefined {
  if (!isPlainObject(from)) return undefined;
  const v = from[key];
  return isPlainObject(v) ? v : undefined;
}

/** The array of objects at `key` (non-objects dropped), or an empty array. */
export function list(from: unknown, key: string): Obj[] {
  if (!isPlainObject(from)) return [];
  const v = from[key];
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

/** The array of strings at `key`, or an empty array. */
export function strings(from: unknown, key: string): string[] {
  if (!isPlainObject(from)) return [];
  const v = from[key];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

/** The string at `key`, or '' (Go's zero value). */
export function str(from: unknown, key: string): string {
  const v = optStr(from, key);
  return v ?? '';
}

/** The string at `key`, or undefined when absent (Go's nil *string). */
export function optStr(from: unknown, key: string): string | undefined {
  if (!isPlainObject(from)) return undefined;
  const v = from[key];
  return typeof v === 'string' ? v : undefined;
}

/** The integer at `key`, or 0. */
export function int(from: unknown, key: string): number {
  return optInt(from, key) ?? 0;
}

/** The number at `key`, or undefined when absent (Go's nil *int32). */
export function optInt(from: unknown, key: string): number | undefined {
  if (!isPlainObject(from)) return undefined;
  const v = from[key];
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined;
}

/** The boolean at `key`, or undefined when absent. */
export function optBool(from: unknown, key: string): boolean | undefined {
  if (!isPlainObject(from)) return undefined;
  const v = from[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** The string map at `key` (e.g. labels), or an empty one. */
export function stringMap(from: unknown, key: string): Record<string, string> {
  const m = obj(from, key);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** How many keys the map at `key` has (Secret/ConfigMap DATA counts). */
export function keyCount(from: unknown, key: string): number {
  return Object.keys(obj(from, key)).length;
}

/** The `names` and `images` cells of a pod template's containers, joined by commas. */
export function containerCells(podSpec: Obj): [string, string] {
  const containers = list(podSpec, 'containers');
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}
