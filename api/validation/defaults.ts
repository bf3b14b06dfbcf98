/** applyDefaults: the upstream defaulters for every kind served, applied in place. */
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { defaultPod, defaultTemplate } from './defaults-pod.js';
import { defaultService } from './defaults-service.js';
import { asArray, asObj, asString, ensureObj, isSet, type Obj } from './util.js';

function defaultDeployment(d: Obj): void {
  const spec = ensureObj(d, 'spec');
  if (!isSet(spec.replicas)) spec.replicas = 1;
  const strategy = ensureObj(spec, 'strategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    if (!isSet(ru.maxUnavailable)) ru.maxUnavailable = '25%';
    if (!isSet(ru.maxSurge)) ru.maxSurge = '25%';
  }
  if (!isSet(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (!isSet(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
}

function defaultReplicaSet(rs: Obj): void {
  const spec = ensureObj(rs, 'spec');
  if (!isSet(spec.replicas)) spec.replicas = 1;
  defaultTemplate(spec);
}

/** stringData is write-only: its entries overwrite data (base64) and it is not stored. */
function defaultSecret(secret: Obj): void {
  if (!secret.type) secret.type = 'Opaque';
  const stringData = asObj(secret.stringData);
  if (stringData) {
    const data = ensureObj(secret, 'data');
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(asString(v), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

function defaultNamespace(ns: Obj): void {
  const meta = ensureObj(ns, 'metadata');
  const name = asString(meta.name);
  if (name) ensureObj(meta, 'labels')['kubernetes.io/metadata.name'] = name;
  const status = ensureObj(ns, 'status');
  if (!status.phase) status.phase = 'Active';
}

function defaultNode(node: Obj): void {
  const status = asObj(node.status);
  if (status && !isSet(status.allocatable) && isSet(status.capacity)) status.allocatable = { ...asObj(status.capacity) };
}

function defaultEndpoints(ep: Obj): void {
  for (const ss of asArray(ep.subsets)) {
    for (const p of asArray(asObj(ss)?.ports)) {
      const port = asObj(p);
      if (port && !port.protocol) port.protocol = 'TCP';
    }
  }
}

/** kubectl describe dereferences port name and protocol, so both are always present. */
function defaultEndpointSlice(slice: Obj): void {
  for (const p of asArray(slice.ports)) {
    const port = asObj(p);
    if (!port) continue;
    if (!isSet(port.name)) port.name = '';
    if (!isSet(port.protocol)) port.protocol = 'TCP';
  }
}

function defaultIngressClass(cls: Obj): void {
  const params = asObj(asObj(cls.spec)?.parameters);
  if (params && !isSet(params.scope)) params.scope = 'Cluster';
}

const defaulters: Record<string, (obj: Obj) => void> = {
  '/Service': defaultService,
  '/Pod': defaultPod,
  '/Secret': defaultSecret,
  '/Namespace': defaultNamespace,
  '/Node': defaultNode,
  '/Endpoints': defaultEndpoints,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
  'networking.k8s.io/IngressClass': defaultIngressClass,
};

export function applyDefaults(info: ResourceInfo, obj: KubeObject): void {
  defaulters[`${info.group}/${info.kind}`]?.(obj);
}
