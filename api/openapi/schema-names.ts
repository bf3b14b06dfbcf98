/**
 * Upstream OpenAPI schema names for @kubernetes/client-node model names:
 * `V1ServiceSpec` → `io.k8s.api.core.v1.ServiceSpec`, `V1ObjectMeta` →
 * `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`. Client-node drops the package from most
 * names (it keeps a group prefix only where two packages share a name: `CoreV1Event`,
 * `DiscoveryV1EndpointPort`), so the packages of the non-core types we reach are listed here.
 */

const metaPackage = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Types outside core/v1 that our kinds reach, by package (short form `apps.v1`). */
const nonCorePackages: Record<string, string[]> = {
  'meta.v1': [
    'APIResource',
    'APIResourceList',
    'Condition',
    'DeleteOptions',
    'LabelSelector',
    'LabelSelectorRequirement',
    'ListMeta',
    'ManagedFieldsEntry',
    'ObjectMeta',
    'OwnerReference',
    'Preconditions',
    'Status',
    'StatusCause',
    'StatusDetails',
    'WatchEvent',
  ],
  'apps.v1': [
    'Deployment',
    'DeploymentCondition',
    'DeploymentList',
    'DeploymentSpec',
    'DeploymentStatus',
    'DeploymentStrategy',
    'ReplicaSet',
    'ReplicaSetCondition',
    'ReplicaSetList',
    'ReplicaSetSpec',
    'ReplicaSetStatus',
    'RollingUpdateDeployment',
  ],
  'discovery.v1': ['Endpoint', 'EndpointConditions', 'EndpointHints', 'EndpointSlice', 'EndpointSliceList', 'ForNode', 'ForZone'],
  'networking.v1': [
    'HTTPIngressPath',
    'HTTPIngressRuleValue',
    'Ingress',
    'IngressBackend',
    'IngressClass',
    'IngressClassList',
    'IngressClassParametersReference',
    'IngressClassSpec',
    'IngressList',
    'IngressLoadBalancerIngress',
    'IngressLoadBalancerStatus',
    'IngressPortStatus',
    'IngressRule',
    'IngressServiceBackend',
    'IngressSpec',
    'IngressStatus',
    'IngressTLS',
    'ServiceBackendPort',
  ],
  'coordination.v1': ['Lease', 'LeaseList', 'LeaseSpec'],
  'autoscaling.v1': ['Scale', 'ScaleSpec', 'ScaleStatus'],
  'policy.v1': ['Eviction'],
};

const packageOfType = new Map<string, string>(Object.entries(nonCorePackages).flatMap(([pkg, names]) => names.map((n) => [n, pkg] as [string, string])));

/** Client-node's disambiguating prefixes (`CoreV1Event`) and the package each stands for. */
const groupPrefixes: Record<string, string> = { Core: 'core', Discovery: 'discovery', Networking: 'networking', Apps: 'apps', Coordination: 'coordination', Policy: 'policy', Events: 'events' };

/** `apps.v1` → `io.k8s.api.apps.v1`; `meta.v1` → the apimachinery package. */
export function fullPackage(shortPackage: string): string {
  return shortPackage === 'meta.v1' ? metaPackage : `io.k8s.api.${shortPackage}`;
}

/** `V1ServiceSpec` → `core.v1.ServiceSpec`, `DiscoveryV1EndpointPort` → `discovery.v1.EndpointPort`. */
export function shortSchemaName(modelName: string): string {
  const prefixed = /^([A-Z][a-z]+)(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/.exec(modelName);
  if (prefixed && groupPrefixes[prefixed[1]]) return `${groupPrefixes[prefixed[1]]}.${prefixed[2].toLowerCase()}.${prefixed[3]}`;
  const plain = /^(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/.exec(modelName);
  if (!plain) throw new Error(`unexpected client-node model name ${modelName}`);
  const version = plain[1].toLowerCase();
  const pkg = packageOfType.get(plain[2]) ?? `core.${version}`;
  return `${pkg}.${plain[2]}`;
}

/** `core.v1.ServiceSpec` → `io.k8s.api.core.v1.ServiceSpec`. */
export function fullSchemaName(shortName: string): string {
  const lastDot = shortName.lastIndexOf('.');
  return `${fullPackage(shortName.slice(0, lastDot))}.${shortName.slice(lastDot + 1)}`;
}

export function upstreamSchemaName(modelName: string): string {
  return fullSchemaName(shortSchemaName(modelName));
}

/** The client-node model for a served kind: `CoreV1Event` where client-node disambiguates, else `V1Event`. */
export function modelNameCandidates(group: string, version: string, kind: string): string[] {
  const groupWord = (group || 'core').split('.')[0];
  const prefix = groupWord[0].toUpperCase() + groupWord.slice(1);
  const v = version[0].toUpperCase() + version.slice(1);
  return [`${prefix}${v}${kind}`, `${v}${kind}`];
}

/** Schemas that exist upstream but have no client-node model (client-node inlines them). */
export const builtinSchemaNames = {
  time: `${metaPackage}.Time`,
  microTime: `${metaPackage}.MicroTime`,
  fieldsV1: `${metaPackage}.FieldsV1`,
  patch: `${metaPackage}.Patch`,
  intOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  rawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
};
