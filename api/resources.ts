/**
 * The resources this API server serves, with the discovery facts kubectl reads from them
 * (values from upstream api/discovery/*.json, see shared/reference/kube-api.md §1.3).
 */
export interface SubresourceInfo {
  name: string; // 'status', 'scale', 'log', 'exec', ...
  kind: string; // response kind
  group?: string; // response group when it differs (Scale is autoscaling/v1)
  version?: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string; // '' for core
  version: string;
  resource: string; // plural, lower case
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** metadata.generation counts spec changes for these kinds (status writes do not bump it). */
  tracksGeneration: boolean;
  /** whether the kind has a status that the main endpoint must not change (status is a subresource). */
  hasStatusSubresource: boolean;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const statusVerbs = ['get', 'patch', 'update'];

function status(kind: string): SubresourceInfo {
  return { name: 'status', kind, verbs: statusVerbs };
}
function scale(): SubresourceInfo {
  return { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: statusVerbs };
}

interface Spec {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceInfo[];
  tracksGeneration?: boolean;
}

function define(s: Spec): ResourceInfo {
  const subresources = s.subresources ?? [];
  return {
    group: s.group ?? '',
    version: s.version ?? 'v1',
    resource: s.resource,
    singular: s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced ?? true,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: s.verbs ?? allVerbs,
    subresources,
    tracksGeneration: s.tracksGeneration ?? false,
    hasStatusSubresource: subresources.some((r) => r.name === 'status'),
  };
}

/** In discovery order: `kubectl get all` lists category `all` members in this order. */
export const resources: readonly ResourceInfo[] = [
  define({ resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }] }),
  define({ resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: [status('Node')] }),
  define({
    resource: 'pods',
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      status('Pod'),
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    ],
  }),
  define({ resource: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], subresources: [status('Service')] }),
  define({ resource: 'endpoints', kind: 'Endpoints', shortNames: ['ep'] }),
  define({ resource: 'secrets', kind: 'Secret' }),
  define({ resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  define({ resource: 'events', kind: 'Event', shortNames: ['ev'] }),
  define({ resource: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] }),
  define({ group: 'apps', resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], subresources: [scale(), status('Deployment')], tracksGeneration: true }),
  define({ group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], subresources: [scale(), status('ReplicaSet')], tracksGeneration: true }),
  define({ group: 'discovery.k8s.io', resource: 'endpointslices', kind: 'EndpointSlice', tracksGeneration: true }),
  define({ group: 'networking.k8s.io', resource: 'ingresses', kind: 'Ingress', shortNames: ['ing'], subresources: [status('Ingress')], tracksGeneration: true }),
  define({ group: 'networking.k8s.io', resource: 'ingressclasses', kind: 'IngressClass', namespaced: false, tracksGeneration: true }),
  define({ group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease' }),
];

/** Group versions served, in discovery order; the first version of a group is preferred. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Set<string>();
  const out: { group: string; version: string }[] = [];
  for (const r of resources) {
    const key = `${r.group}/${r.version}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ group: r.group, version: r.version });
    }
  }
  return out;
}

export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** A resource a component cannot run without: like findResource, but an unknown one is a programming error. */
export function servedResource(group: string, version: string, resource: string): ResourceInfo {
  const ri = findResource(group, version, resource);
  if (!ri) throw new Error(`resource ${group || 'core'}/${version}/${resource} is not served`);
  return ri;
}

export function findByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return resources.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/**
 * Older group versions whose manifests are accepted on write and converted to the served version
 * (Kubernetes 1.21 still served Ingress in these).
 */
export const legacyIngressVersions = ['extensions/v1beta1', 'networking.k8s.io/v1beta1'];

/**
 * Resources also served in an older version, stored as `storedAs`: requests in the old version
 * are converted on the way in and answers converted back, as kube-apiserver 1.21 did for Ingress.
 * They appear in discovery after the preferred versions, so kubectl can map old manifests.
 */
export interface AliasInfo extends ResourceInfo {
  storedAs: ResourceInfo;
}

export const aliasResources: readonly AliasInfo[] = legacyIngressVersions.map((apiVersion) => {
  const [group, version] = apiVersion.split('/');
  const storedAs = resources.find((r) => r.resource === 'ingresses')!;
  return { ...storedAs, group, version, storedAs };
});

/** Served group versions including the alias ones (after the preferred versions of each group). */
export function servedGroupVersions(): { group: string; version: string }[] {
  const out = groupVersions();
  for (const a of aliasResources) if (!out.some((g) => g.group === a.group && g.version === a.version)) out.push({ group: a.group, version: a.version });
  return out;
}

export function findAlias(group: string, version: string, resource: string): AliasInfo | undefined {
  return aliasResources.find((r) => r.group === group && r.version === version && r.resource === resource);
}
