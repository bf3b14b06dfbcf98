/**
 * REST paths of resources: `/api/v1/namespaces/{ns}/pods/{name}/status` for the core group,
 * `/apis/{group}/{version}/…` for the others; cluster-scoped kinds have no namespace segment.
 */
import type { ResourceInfo } from '../api/resources.js';
import { SvcnetError } from '../common/errors.js';

export type ResourceRef = Pick<ResourceInfo, 'group' | 'version' | 'resource' | 'namespaced'>;

export function groupVersionPath(ri: Pick<ResourceInfo, 'group' | 'version'>): string {
  return ri.group ? `/apis/${ri.group}/${ri.version}` : `/api/${ri.version}`;
}

/**
 * `namespace` undefined on a namespaced resource means all namespaces (only valid for collections);
 * it is ignored for cluster-scoped resources.
 */
export function resourcePath(ri: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let path = groupVersionPath(ri);
  if (ri.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  else if (ri.namespaced && name !== undefined) {
    throw new SvcnetError('InvalidArgument', `client: ${ri.resource} "${name}" needs a namespace`);
  }
  path += `/${ri.resource}`;
  if (name !== undefined) {
    if (name === '') throw new SvcnetError('InvalidArgument', `client: empty ${ri.resource} name`);
    path += `/${encodeURIComponent(name)}`;
  }
  if (subresource) path += `/${subresource}`;
  return path;
}

/** Query string from the defined, non-empty values; `?` included when there is one. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
