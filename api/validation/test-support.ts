/** Helpers for this folder's tests: build objects, default them, and read the errors as text. */
import { fieldErrorText } from '../errors.js';
import { findByKind } from '../resources.js';
import type { KubeObject } from '../types.js';
import { applyDefaults } from './defaults.js';
import { clone } from './util.js';
import { validateObject } from './validate.js';

export function object(apiVersion: string, kind: string, name: string, rest: Record<string, unknown> = {}, namespace = 'default'): KubeObject {
  const info = findByKind(apiVersion, kind);
  if (!info) throw new Error(`not served: ${apiVersion} ${kind}`);
  const metadata = info.namespaced ? { name, namespace } : { name };
  return { apiVersion, kind, metadata, ...clone(rest) };
}

/** Defaults a copy and returns its create (or, with `old`, update) errors as kubectl prints them. */
export function errorsOf(obj: KubeObject, old?: KubeObject): string[] {
  const info = findByKind(obj.apiVersion, obj.kind)!;
  const copy = clone(obj);
  applyDefaults(info, copy);
  let stored: KubeObject | undefined;
  if (old) {
    stored = clone(old);
    applyDefaults(info, stored);
  }
  return validateObject(info, copy, stored).map(fieldErrorText);
}

export function defaulted(obj: KubeObject): KubeObject {
  const copy = clone(obj);
  applyDefaults(findByKind(obj.apiVersion, obj.kind)!, copy);
  return copy;
}

export const service = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => {
  const o = object('v1', 'Service', name, { spec });
  Object.assign(o.metadata, meta);
  return o;
};
