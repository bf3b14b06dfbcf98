/** Store keys, laid out as kube-apiserver lays out etcd: /registry/<group>/<resource>/[<ns>/]<name>. */
import type { ResourceInfo } from '../resources.js';

export function resourcePrefix(ri: ResourceInfo): string {
  return `/registry/${ri.group || 'core'}/${ri.resource}/`;
}

/** The prefix of one namespace's objects, or of all of them when ns is empty. */
export function collectionPrefix(ri: ResourceInfo, ns: string | undefined): string {
  return ri.namespaced && ns ? `${resourcePrefix(ri)}${ns}/` : resourcePrefix(ri);
}

export function objectKey(ri: ResourceInfo, ns: string | undefined, name: string): string {
  return ri.namespaced ? `${resourcePrefix(ri)}${ns}/${name}` : `${resourcePrefix(ri)}${name}`;
}
