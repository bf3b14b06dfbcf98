/**
 * Discovery documents built from the resource registry (api/resources.ts): the legacy
 * APIVersions / APIGroupList / APIResourceList shapes and aggregated discovery
 * (apidiscovery.k8s.io v2 and v2beta1). Pure functions returning JSON-ready objects; the HTTP
 * layer serves them and sets the content type (see aggregatedDiscoveryContentTypeFor).
 */
import { createHash } from 'node:crypto';
import { aliasResources, resources, servedGroupVersions, type ResourceInfo, type SubresourceInfo } from './resources.js';

export const aggregatedDiscoveryContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

export function aggregatedDiscoveryContentTypeFor(version: AggregatedDiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

// ---- legacy shapes ----

/** GET /api */
export function legacyApiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** Named groups (not core) with their versions, first version preferred. */
function namedGroups(): { name: string; versions: string[] }[] {
  const byName = new Map<string, string[]>();
  for (const gv of servedGroupVersions()) {
    if (!gv.group) continue;
    const versions = byName.get(gv.group) ?? [];
    versions.push(gv.version);
    byName.set(gv.group, versions);
  }
  return [...byName].map(([name, versions]) => ({ name, versions }));
}

function groupEntry(g: { name: string; versions: string[] }): object {
  const gvOf = (version: string) => ({ groupVersion: `${g.name}/${version}`, version });
  return { name: g.name, versions: g.versions.map(gvOf), preferredVersion: gvOf(g.versions[0]) };
}

/** GET /apis */
export function legacyApiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups().map(groupEntry) };
}

/** GET /apis/<group>; undefined when the group is not served. */
export function apiGroup(group: string): object | undefined {
  const g = namedGroups().find((x) => x.name === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) };
}

/**
 * What the apiserver publishes so clients notice storage changes: base64 of the first 8 bytes of
 * sha256("<group>/<version>/<kind>") of the storage version (ours is the served version).
 */
export function storageVersionHash(r: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string {
  return createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest().subarray(0, 8).toString('base64');
}

function legacyResourceEntry(r: ResourceInfo): object {
  const entry: Record<string, unknown> = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
  if (r.shortNames.length) entry.shortNames = r.shortNames;
  if (r.categories.length) entry.categories = r.categories;
  entry.storageVersionHash = storageVersionHash(r);
  return entry;
}

function legacySubresourceEntry(r: ResourceInfo, s: SubresourceInfo): object {
  const entry: Record<string, unknown> = { name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced };
  // Only cross-group responses (Scale, Eviction) name their group and version.
  if (s.group !== undefined) entry.group = s.group;
  if (s.version !== undefined) entry.version = s.version;
  entry.kind = s.kind;
  entry.verbs = s.verbs;
  return entry;
}

function resourcesOf(group: string, version: string): ResourceInfo[] {
  return [...resources, ...aliasResources].filter((r) => r.group === group && r.version === version);
}

/** GET /api/v1 (group '') and /apis/<group>/<version>; undefined when not served. */
export function legacyApiResourceList(group: string, version: string): object | undefined {
  const rs = resourcesOf(group, version);
  if (!rs.length) return undefined;
  const entries = rs.flatMap((r) => [legacyResourceEntry(r), ...r.subresources.map((s) => legacySubresourceEntry(r, s))]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: entries };
}

// ---- aggregated discovery ----

/** Same-group responses leave group and version empty, as the apiserver's conversion does. */
function responseKind(kind: string, group = '', version = ''): object {
  return { group, version, kind };
}

function aggregatedSubresource(s: SubresourceInfo): object {
  return { subresource: s.name, responseKind: responseKind(s.kind, s.group, s.version), verbs: s.verbs };
}

function aggregatedResource(r: ResourceInfo): object {
  const entry: Record<string, unknown> = {
    resource: r.resource,
    responseKind: responseKind(r.kind),
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) entry.shortNames = r.shortNames;
  if (r.categories.length) entry.categories = r.categories;
  if (r.subresources.length) entry.subresources = r.subresources.map(aggregatedSubresource);
  return entry;
}

function aggregatedGroup(name: string, versions: string[]): object {
  return {
    metadata: { name, creationTimestamp: null },
    versions: versions.map((version) => ({ version, resources: resourcesOf(name, version).map(aggregatedResource), freshness: 'Current' })),
  };
}

/** GET /api or /apis answered with an APIGroupDiscoveryList (first version of a group is preferred). */
export function aggregatedDiscovery(which: 'api' | 'apis', version: AggregatedDiscoveryVersion = 'v2'): object {
  const items = which === 'api' ? [aggregatedGroup('', ['v1'])] : namedGroups().map((g) => aggregatedGroup(g.name, g.versions));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

// ---- Accept negotiation ----

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

function parseMediaRange(text: string): MediaRange {
  const [type, ...rawParams] = text.split(';').map((p) => p.trim());
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  const q = params.has('q') ? Number(params.get('q')) : 1;
  return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
}

/** Which answer a media range asks for: an aggregated version, plain JSON, or nothing we serve. */
function offerFor(m: MediaRange): AggregatedDiscoveryVersion | 'json' | undefined {
  const jsonLike = m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*';
  if (!jsonLike) return undefined;
  const g = m.params.get('g');
  const v = m.params.get('v');
  const as = m.params.get('as');
  if (g === undefined && v === undefined && as === undefined) return 'json';
  if (m.type !== 'application/json' || g !== 'apidiscovery.k8s.io' || as !== 'APIGroupDiscoveryList') return undefined;
  return v === 'v2' || v === 'v2beta1' ? v : undefined;
}

/**
 * The aggregated discovery version the Accept header prefers, or undefined when the client should
 * get the legacy shape. Media ranges are tried by q (highest first), then in the order sent.
 */
export function aggregatedDiscoveryVersion(accept: string | undefined): AggregatedDiscoveryVersion | undefined {
  if (!accept) return undefined;
  const ranges = accept
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseMediaRange)
    .filter((m) => m.q > 0);
  const ordered = ranges.map((m, i) => ({ m, i })).sort((a, b) => b.m.q - a.m.q || a.i - b.i);
  for (const { m } of ordered) {
    const offer = offerFor(m);
    if (offer === 'json') return undefined;
    if (offer) return offer;
  }
  return undefined;
}

/** Whether GET /api or /apis should answer with aggregated discovery. */
export function acceptsAggregatedDiscovery(accept: string | undefined): boolean {
  return aggregatedDiscoveryVersion(accept) !== undefined;
}
