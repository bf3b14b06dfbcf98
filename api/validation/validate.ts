/** validateObject: picks the kind's create or update validation. */
import type { FieldError } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { validateDeployment, validateReplicaSet } from './apps.js';
import { validateConfigMap, validateEvent, validateLease, validateNamespace, validateNode, validateSecret, validateServiceAccount } from './core-misc.js';
import { validateEndpointSlice, validateEndpoints } from './endpoints.js';
import { validateIngress, validateIngressClass } from './ingress.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { validateService, validateServiceUpdate } from './service.js';
import type { Obj } from './util.js';

type Validator = (obj: Obj, old?: Obj) => FieldError[];

const validators: Record<string, Validator> = {
  '/Service': (o, old) => (old ? validateServiceUpdate(o, old) : validateService(o)),
  '/Pod': (o, old) => (old ? validatePodUpdate(o, old) : validatePod(o)),
  '/Namespace': validateNamespace,
  '/Node': validateNode,
  '/Endpoints': validateEndpoints,
  '/Secret': validateSecret,
  '/ConfigMap': validateConfigMap,
  '/Event': validateEvent,
  '/ServiceAccount': validateServiceAccount,
  'apps/Deployment': validateDeployment,
  'apps/ReplicaSet': validateReplicaSet,
  'discovery.k8s.io/EndpointSlice': validateEndpointSlice,
  'networking.k8s.io/Ingress': validateIngress,
  'networking.k8s.io/IngressClass': validateIngressClass,
  'coordination.k8s.io/Lease': validateLease,
};

/** Kinds without their own rules still get the metadata checks. */
function metadataOnly(info: ResourceInfo): Validator {
  return (o, old) => (old ? validateObjectMetaUpdate(o.metadata, old.metadata) : validateObjectMeta(o.metadata, info.namespaced, nameIsDNSSubdomain));
}

export function validateObject(info: ResourceInfo, obj: KubeObject, old?: KubeObject): FieldError[] {
  const validate = validators[`${info.group}/${info.kind}`] ?? metadataOnly(info);
  return validate(obj, old);
}
