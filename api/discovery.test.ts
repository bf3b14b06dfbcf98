import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptsAggregatedDiscovery,
  aggregatedDiscovery,
  aggregatedDiscoveryContentType,
  aggregatedDiscoveryVersion,
  apiGroup,
  legacyApiGroupList,
  legacyApiResourceList,
  legacyApiVersions,
  storageVersionHash,
} from './discovery.js';
import { aliasResources, resources } from './resources.js';

type Entry = Record<string, unknown>;
const entries = (list: object | undefined) => (list as { resources: Entry[] }).resources;
const byName = (list: object | undefined, name: string) => entries(list).find((e) => e.name === name);

/** The Accept header kubectl 1.32 sends on GET /api and /apis (shared/reference/kube-api.md §1.1). */
const kubectlAccept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

test('GET /api lists v1 and the server address', () => {
  assert.deepEqual(legacyApiVersions('127.0.0.1:6443'), {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  });
});

test('GET /apis lists every named group with a preferred version', () => {
  const list = legacyApiGroupList() as { groups: { name: string; preferredVersion: { groupVersion: string } }[] };
  assert.deepEqual(
    list.groups.map((g) => g.name),
    ['apps', 'discovery.k8s.io', 'networking.k8s.io', 'coordination.k8s.io', 'extensions'],
  );
  // Old Ingress versions are served by conversion, after the preferred version of their group.
  const networking = list.groups.find((g) => g.name === 'networking.k8s.io') as unknown as { versions: { version: string }[]; preferredVersion: { version: string } };
  assert.deepEqual(networking.versions.map((v) => v.version), ['v1', 'v1beta1']);
  assert.equal(networking.preferredVersion.version, 'v1');
  assert.equal(list.groups[0].preferredVersion.groupVersion, 'apps/v1');
  assert.deepEqual(apiGroup('apps'), {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: 'apps',
    versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
  });
  assert.equal(apiGroup(''), undefined);
  assert.equal(apiGroup('batch'), undefined);
});

test('legacy /api/v1 has services, pods/log and a cross-group pods/eviction', () => {
  const core = legacyApiResourceList('', 'v1');
  assert.equal((core as Entry).groupVersion, 'v1');
  assert.deepEqual(byName(core, 'services'), {
    name: 'services',
    singularName: 'service',
    namespaced: true,
    kind: 'Service',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['svc'],
    categories: ['all'],
    storageVersionHash: '0/CO1lhkEBI=',
  });
  assert.deepEqual(byName(core, 'pods/log'), { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  assert.deepEqual(byName(core, 'pods/eviction'), {
    name: 'pods/eviction',
    singularName: '',
    namespaced: true,
    group: 'policy',
    version: 'v1',
    kind: 'Eviction',
    verbs: ['create'],
  });
  assert.equal(byName(core, 'secrets')?.shortNames, undefined, 'empty shortNames are omitted');
  assert.equal(byName(core, 'namespaces')?.namespaced, false);
});

test('legacy /apis/apps/v1 has deployments/scale answered by autoscaling/v1 Scale', () => {
  const apps = legacyApiResourceList('apps', 'v1');
  assert.deepEqual(byName(apps, 'deployments/scale'), {
    name: 'deployments/scale',
    singularName: '',
    namespaced: true,
    group: 'autoscaling',
    version: 'v1',
    kind: 'Scale',
    verbs: ['get', 'patch', 'update'],
  });
  assert.equal(legacyApiResourceList('apps', 'v2'), undefined);
  assert.equal(legacyApiResourceList('batch', 'v1'), undefined);
});

test('storageVersionHash matches the values upstream publishes', () => {
  assert.equal(storageVersionHash({ group: '', version: 'v1', kind: 'Pod' }), 'xPOwRZ+Yhw8=');
  assert.equal(storageVersionHash({ group: 'apps', version: 'v1', kind: 'Deployment' }), '8aSe+NMegvE=');
});

test('aggregated discovery sets responseKind on every resource and subresource', () => {
  let seen = 0;
  for (const which of ['api', 'apis'] as const) {
    const list = aggregatedDiscovery(which) as { apiVersion: string; items: { versions: { resources: Entry[] }[] }[] };
    assert.equal(list.apiVersion, 'apidiscovery.k8s.io/v2');
    for (const item of list.items)
      for (const v of item.versions)
        for (const r of v.resources) {
          const rk = r.responseKind as { kind: string };
          assert.ok(rk.kind, `${r.resource} has a responseKind`);
          seen++;
          for (const s of (r.subresources as Entry[] | undefined) ?? []) assert.ok((s.responseKind as { kind: string }).kind, `${r.resource}/${s.subresource}`);
        }
  }
  assert.equal(seen, resources.length + aliasResources.length);
});

test('aggregated /api is one group named "" and /apis has deployments with scale', () => {
  const core = aggregatedDiscovery('api') as { items: { metadata: { name: string } }[] };
  assert.deepEqual(core.items.map((i) => i.metadata.name), ['']);
  const apis = aggregatedDiscovery('apis') as { items: { metadata: { name: string }; versions: { version: string; freshness: string; resources: Entry[] }[] }[] };
  const apps = apis.items.find((i) => i.metadata.name === 'apps');
  assert.equal(apps?.versions[0].freshness, 'Current');
  const deployments = apps?.versions[0].resources.find((r) => r.resource === 'deployments');
  assert.equal(deployments?.scope, 'Namespaced');
  assert.deepEqual(deployments?.responseKind, { group: '', version: '', kind: 'Deployment' });
  assert.deepEqual((deployments?.subresources as Entry[])[0], {
    subresource: 'scale',
    responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    verbs: ['get', 'patch', 'update'],
  });
  const classes = apis.items.find((i) => i.metadata.name === 'networking.k8s.io')?.versions[0].resources.find((r) => r.resource === 'ingressclasses');
  assert.equal(classes?.scope, 'Cluster');
  assert.equal((aggregatedDiscovery('apis', 'v2beta1') as { apiVersion: string }).apiVersion, 'apidiscovery.k8s.io/v2beta1');
});

test('Accept negotiation: kubectl gets v2, order of parameters does not matter', () => {
  assert.equal(acceptsAggregatedDiscovery(kubectlAccept), true);
  assert.equal(aggregatedDiscoveryVersion(kubectlAccept), 'v2');
  assert.equal(aggregatedDiscoveryVersion('application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io'), 'v2');
  assert.equal(aggregatedDiscoveryVersion('application/json; g=apidiscovery.k8s.io; v=v2beta1; as=APIGroupDiscoveryList, application/json'), 'v2beta1');
  assert.equal(aggregatedDiscoveryContentType, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
});

test('Accept negotiation: plain JSON, unknown versions and lower q get the legacy shape', () => {
  assert.equal(acceptsAggregatedDiscovery(undefined), false);
  assert.equal(acceptsAggregatedDiscovery('application/json, */*'), false);
  assert.equal(acceptsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList'), false);
  assert.equal(acceptsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscovery'), false);
  assert.equal(acceptsAggregatedDiscovery('application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'), false);
  assert.equal(acceptsAggregatedDiscovery('application/json;q=0.5,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'), true);
  assert.equal(acceptsAggregatedDiscovery('application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'), false);
});
