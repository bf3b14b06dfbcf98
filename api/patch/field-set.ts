/**
 * Sets of field paths, the unit of ownership in server-side apply (structured-merge-diff's
 * fieldpath.Set), with their `FieldsV1` encoding in metadata.managedFields:
 *
 *   {"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:targetPort":{}}}}}
 *
 * A path element is the FieldsV1 key itself: `f:<field>`, `k:<key fields as JSON>` (list item of a
 * keyed list), `v:<value as JSON>` (item of a set list) or `i:<index>`. A node is a member when it
 * is a leaf or carries ".".
 */
import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../types.js';
import { type FieldMeta, fieldMeta } from './schema.js';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

export class FieldSet {
  private readonly members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.insert(p);
  }

  insert(path: FieldPath): void {
    this.members.set(JSON.stringify(path), path);
  }

  has(path: FieldPath): boolean {
    return this.members.has(JSON.stringify(path));
  }

  paths(): FieldPath[] {
    return [...this.members.values()];
  }

  get size(): number {
    return this.members.size;
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.paths(), ...other.paths()]);
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => other.has(p)));
  }

  /** Whether some member lies strictly below `path`. */
  hasDescendant(path: FieldPath): boolean {
    return this.paths().some((p) => p.length > path.length && path.every((e, i) => p[i] === e));
  }

  toFieldsV1(): Record<string, unknown> {
    const root: Record<string, any> = {};
    for (const path of this.paths()) {
      let node = root;
      for (const e of path) node = node[e] ??= {};
    }
    // A member that also has children is marked with "." (leaves are members by being empty).
    for (const path of this.paths()) {
      let node = root;
      for (const e of path) node = node[e];
      if (Object.keys(node).length > 0) node['.'] = {};
    }
    return sortFieldsV1(root);
  }

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: PathElement[]) => {
      if (!isPlainObject(node)) return;
      const children = Object.keys(node).filter((k) => k !== '.');
      if (path.length > 0 && (children.length === 0 || '.' in node)) set.insert(path);
      for (const k of children) walk(node[k], [...path, k]);
    };
    walk(fields, []);
    return set;
  }
}

/** structured-merge-diff order: "." first, then fields, keys, values, indexes. */
function sortFieldsV1(node: Record<string, any>): Record<string, unknown> {
  const rank = (k: string) => (k === '.' ? 0 : ({ f: 1, k: 2, v: 3, i: 4 } as Record<string, number>)[k[0]] ?? 5);
  const keys = Object.keys(node).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, sortFieldsV1(node[k])]));
}

/** The SSA list type of a field: declared, or derived from its SMP strategy, else atomic. */
export function listTypeOf(meta: FieldMeta | undefined): 'map' | 'set' | 'atomic' {
  if (meta?.listType) return meta.listType;
  if (meta?.strategy?.startsWith('merge')) return meta.mergeKey ? 'map' : 'set';
  return 'atomic';
}

/** The `k:` element of a keyed-list item: its key fields (server defaults filled in), sorted by name. */
export function keyElement(item: unknown, meta: FieldMeta | undefined): PathElement {
  const keys = [...(meta?.listKeys ?? (meta?.mergeKey ? [meta.mergeKey] : []))].sort();
  const key: Record<string, unknown> = {};
  for (const k of keys) {
    const v = isPlainObject(item) && item[k] !== undefined ? item[k] : meta?.keyDefaults?.[k];
    if (v !== undefined) key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

/** The path element naming list item `item` of a list described by `meta`. */
export function itemElement(item: unknown, index: number, meta: FieldMeta | undefined): PathElement {
  const type = listTypeOf(meta);
  if (type === 'map') return keyElement(item, meta);
  if (type === 'set') return `v:${JSON.stringify(item)}`;
  return `i:${index}`;
}

/**
 * The fields an object sets (typed.ToFieldSet): scalar and atomic leaves, keyed/set list items, map
 * entries, and struct fields that are null or empty objects. With `containers`, maps and non-atomic
 * lists are members too, as they are in the "added" fields of an update (the `.` under `f:labels`).
 */
export function fieldSetOf(value: unknown, meta: FieldMeta | undefined, containers = false): FieldSet {
  const set = new FieldSet();
  walkFields(value, meta, [], set, containers);
  return set;
}

function walkFields(value: unknown, meta: FieldMeta | undefined, path: PathElement[], set: FieldSet, containers: boolean): void {
  const leaf = () => path.length > 0 && set.insert(path);
  if (meta?.atomic || value === null || typeof value !== 'object') return void leaf();
  if (Array.isArray(value)) {
    if (listTypeOf(meta) === 'atomic') return void leaf();
    if (containers) leaf();
    value.forEach((item, i) => {
      const itemPath = [...path, itemElement(item, i, meta)];
      walkFields(item, meta?.items, itemPath, set, containers);
      set.insert(itemPath);
    });
    return;
  }
  if (containers && meta?.map) leaf();
  for (const [k, v] of Object.entries(value)) {
    const childPath = [...path, `f:${k}`];
    walkFields(v, meta?.map ? meta.items : fieldMeta(meta, k), childPath, set, containers);
    if (meta?.map || v === null || (isPlainObject(v) && Object.keys(v).length === 0)) set.insert(childPath);
  }
}

/** fieldpath.Path.String(): `.spec.ports[port=80,protocol="TCP"].targetPort`. */
export function pathString(path: FieldPath): string {
  return path
    .map((e) => {
      const body = e.slice(2);
      switch (e[0]) {
        case 'f':
          return `.${body}`;
        case 'k':
          return `[${Object.entries(JSON.parse(body) as Record<string, unknown>)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
            .join(',')}]`;
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

/** Where `element` points inside `container`: the key or index to read/delete, or undefined. */
export function locate(container: unknown, element: PathElement, meta: FieldMeta | undefined): string | number | undefined {
  const body = element.slice(2);
  if (element.startsWith('f:')) return isPlainObject(container) && Object.prototype.hasOwnProperty.call(container, body) ? body : undefined;
  if (!Array.isArray(container)) return undefined;
  let index = -1;
  if (element.startsWith('k:')) index = container.findIndex((item) => keyElement(item, meta) === element);
  else if (element.startsWith('v:')) index = container.findIndex((item) => isDeepStrictEqual(item, JSON.parse(body)));
  else if (element.startsWith('i:')) index = Number(body) < container.length ? Number(body) : -1;
  return index >= 0 ? index : undefined;
}

/** The metadata of the value that `element` leads to. */
export function childMeta(meta: FieldMeta | undefined, element: PathElement): FieldMeta | undefined {
  if (element.startsWith('f:')) return meta?.map ? meta.items : fieldMeta(meta, element.slice(2));
  return meta?.items;
}

/** The value at `path`, or undefined when absent. */
export function valueAt(obj: unknown, path: FieldPath, meta: FieldMeta | undefined): unknown {
  let cur = obj;
  let m = meta;
  for (const e of path) {
    const at = locate(cur, e, m);
    if (at === undefined) return undefined;
    cur = (cur as any)[at];
    m = childMeta(m, e);
  }
  return cur;
}

/**
 * The set plus every struct field on the way to its members (fieldpath EnsureNamedFieldsAreMembers):
 * owning `spec.replicas` then also means owning the field `spec`, but not a map entry or list item.
 */
export function expandNamedFields(set: FieldSet, meta: FieldMeta | undefined): FieldSet {
  const out = new FieldSet(set.paths());
  for (const path of set.paths()) {
    let m = meta;
    for (let i = 0; i < path.length; i++) {
      if (path[i].startsWith('f:') && !m?.map) out.insert(path.slice(0, i + 1));
      m = childMeta(m, path[i]);
    }
  }
  return out;
}
