/**
 * Facts about fields that @kubernetes/client-node's models do not carry, written down from the
 * Go struct tags and markers of k8s.io/api (types.go: `patchStrategy`, `patchMergeKey`,
 * `+listType`, `+listMapKey`, `+mapType`, `+default`) for the types our kinds reach. kubectl
 * apply reads the patch extensions to build strategic merge patches, so they must match upstream.
 * Keys are upstream schema names without the package (see schema-names.ts), then JSON field names.
 */

export interface FieldFacts {
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  listMapKeys?: string[];
  mapType?: 'atomic' | 'granular';
  default?: unknown;
}

/** A list merged by a key, as most named lists are (`patchStrategy:"merge"` + `+listType=map`). */
function mergeByKey(key: string, mapKeys: string[] = [key], patchStrategy = 'merge'): FieldFacts {
  return { patchStrategy, patchMergeKey: key, listType: 'map', listMapKeys: mapKeys };
}

const atomic: FieldFacts = { listType: 'atomic' };
const mergedSet: FieldFacts = { patchStrategy: 'merge', listType: 'set' };
const set: FieldFacts = { listType: 'set' };
const conditions = mergeByKey('type');

const containerFields: Record<string, FieldFacts> = {
  args: atomic,
  command: atomic,
  env: mergeByKey('name'),
  envFrom: atomic,
  ports: mergeByKey('containerPort', ['containerPort', 'protocol']),
  resizePolicy: atomic,
  restartPolicyRules: atomic,
  volumeDevices: mergeByKey('devicePath'),
  volumeMounts: mergeByKey('mountPath'),
};

/** Field facts by schema short name (`io.k8s.api.core.v1.PodSpec` → `core.v1.PodSpec`), then field. */
export const fieldFacts: Record<string, Record<string, FieldFacts>> = {
  // meta/v1
  'meta.v1.ObjectMeta': { finalizers: mergedSet, ownerReferences: mergeByKey('uid'), managedFields: atomic },
  'meta.v1.LabelSelector': { matchExpressions: atomic, matchLabels: {} },
  'meta.v1.LabelSelectorRequirement': { values: atomic },
  'meta.v1.StatusDetails': { causes: atomic },
  'meta.v1.DeleteOptions': { dryRun: atomic },
  // core/v1
  'core.v1.PodSpec': {
    containers: mergeByKey('name'),
    ephemeralContainers: mergeByKey('name'),
    hostAliases: mergeByKey('ip'),
    imagePullSecrets: mergeByKey('name'),
    initContainers: mergeByKey('name'),
    readinessGates: atomic,
    resourceClaims: mergeByKey('name', ['name'], 'merge,retainKeys'),
    schedulingGates: mergeByKey('name'),
    tolerations: atomic,
    topologySpreadConstraints: mergeByKey('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    volumes: mergeByKey('name', ['name'], 'merge,retainKeys'),
    nodeSelector: { mapType: 'atomic' },
  },
  'core.v1.Container': containerFields,
  'core.v1.EphemeralContainer': containerFields,
  'core.v1.ContainerPort': { protocol: { default: 'TCP' } },
  'core.v1.PodStatus': {
    conditions,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    hostIPs: { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
    initContainerStatuses: atomic,
    podIPs: mergeByKey('ip'),
    resourceClaimStatuses: mergeByKey('name', ['name'], 'merge,retainKeys'),
  },
  'core.v1.ResourceRequirements': { claims: { listType: 'map', listMapKeys: ['name'] } },
  'core.v1.PodSecurityContext': { supplementalGroups: atomic, sysctls: atomic },
  'core.v1.Capabilities': { add: atomic, drop: atomic },
  'core.v1.PodDNSConfig': { nameservers: atomic, options: atomic, searches: atomic },
  'core.v1.HostAlias': { hostnames: atomic },
  'core.v1.ExecAction': { command: atomic },
  'core.v1.HTTPGetAction': { httpHeaders: atomic },
  'core.v1.NodeSelector': { nodeSelectorTerms: atomic },
  'core.v1.NodeSelectorTerm': { matchExpressions: atomic, matchFields: atomic },
  'core.v1.NodeSelectorRequirement': { values: atomic },
  'core.v1.NodeAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'core.v1.PodAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic },
  'core.v1.PodAntiAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic, requiredDuringSchedulingIgnoredDuringExecution: atomic },
  'core.v1.PodAffinityTerm': { matchLabelKeys: atomic, mismatchLabelKeys: atomic, namespaces: atomic },
  'core.v1.TopologySpreadConstraint': { matchLabelKeys: atomic },
  'core.v1.ProjectedVolumeSource': { sources: atomic },
  'core.v1.ConfigMapVolumeSource': { items: atomic },
  'core.v1.SecretVolumeSource': { items: atomic },
  'core.v1.ConfigMapProjection': { items: atomic },
  'core.v1.SecretProjection': { items: atomic },
  'core.v1.DownwardAPIVolumeSource': { items: atomic },
  'core.v1.DownwardAPIProjection': { items: atomic },
  'core.v1.ServiceSpec': {
    clusterIPs: atomic,
    externalIPs: atomic,
    ipFamilies: atomic,
    loadBalancerSourceRanges: atomic,
    ports: mergeByKey('port', ['port', 'protocol']),
    selector: { mapType: 'atomic' },
  },
  'core.v1.ServicePort': { protocol: { default: 'TCP' } },
  'core.v1.ServiceStatus': { conditions },
  'core.v1.LoadBalancerStatus': { ingress: atomic },
  'core.v1.LoadBalancerIngress': { ports: atomic },
  'core.v1.Endpoints': { subsets: atomic },
  'core.v1.EndpointSubset': { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  'core.v1.NamespaceSpec': { finalizers: atomic },
  'core.v1.NamespaceStatus': { conditions },
  'core.v1.NodeSpec': { podCIDRs: mergedSet, taints: atomic },
  'core.v1.NodeStatus': {
    addresses: mergeByKey('type'),
    conditions,
    images: atomic,
    runtimeHandlers: atomic,
    volumesAttached: atomic,
    volumesInUse: atomic,
  },
  'core.v1.ContainerImage': { names: atomic },
  'core.v1.ServiceAccount': { imagePullSecrets: atomic, secrets: mergeByKey('name') },
  // apps/v1
  'apps.v1.DeploymentSpec': { strategy: { patchStrategy: 'retainKeys' } },
  'apps.v1.DeploymentStatus': { conditions },
  'apps.v1.ReplicaSetStatus': { conditions },
  // discovery/v1
  'discovery.v1.EndpointSlice': { endpoints: atomic, ports: atomic },
  'discovery.v1.Endpoint': { addresses: set },
  'discovery.v1.EndpointHints': { forNodes: atomic, forZones: atomic },
  // networking/v1
  'networking.v1.IngressSpec': { rules: atomic, tls: atomic },
  'networking.v1.IngressTLS': { hosts: atomic },
  'networking.v1.HTTPIngressRuleValue': { paths: atomic },
  'networking.v1.IngressLoadBalancerStatus': { ingress: atomic },
  'networking.v1.IngressLoadBalancerIngress': { ports: atomic },
};

/** Structs marked `+structType=atomic` (or maps `+mapType=atomic`): replaced whole by apply. */
export const atomicStructs = new Set([
  'core.v1.LocalObjectReference',
  'core.v1.ConfigMapKeySelector',
  'core.v1.SecretKeySelector',
  'core.v1.ObjectFieldSelector',
  'core.v1.ResourceFieldSelector',
  'core.v1.NodeSelector',
  'core.v1.NodeSelectorTerm',
  'core.v1.TypedLocalObjectReference',
  'core.v1.ObjectReference',
  'core.v1.FileKeySelector',
  'core.v1.EndpointAddress',
  'core.v1.EndpointPort',
  'meta.v1.LabelSelector',
  'meta.v1.OwnerReference',
]);

/**
 * Fields client-node types as plain strings (or string maps) that are resource.Quantity upstream
 * (model short name → JSON field names).
 */
export const quantityFields: Record<string, string[]> = {
  'core.v1.ResourceRequirements': ['limits', 'requests'],
  'core.v1.VolumeResourceRequirements': ['limits', 'requests'],
  'core.v1.NodeStatus': ['allocatable', 'capacity'],
  'core.v1.EmptyDirVolumeSource': ['sizeLimit'],
  'core.v1.ResourceFieldSelector': ['divisor'],
  'core.v1.ContainerStatus': ['allocatedResources'],
  'core.v1.PodSpec': ['overhead'],
};
