/**
 * validateObject: picks the kind's create or update validation. Updates also get the kind's
 * status checks (see status.ts).
 */
import type { FieldError } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { validateDeployment, validateReplicaSet } from './apps.js';
import { validateConfigMap, validateSecret, validateServiceAccount } from './config.js';
import { validateEvent, validateLease } from './event-lease.js';
import { validateNamespace, validateNode } from './namespace-node.js';
import { validateEndpointSlice, validateEndpoints } from './endpoints.js';
import { validateIngress, validateIngressClass } from './ingress.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { validateService, validateServiceUpdate } from './service.js';
import { prepareServiceUpdate } from './service-prepare.js';
import { validateDeploymentStatus, validateIngressStatus, validatePodStatus, validateReplicaSetStatus, validateServiceStatus } from './status.js';
import type { Obj } from './util.js';

type Validator = (obj: Obj, old?: Obj) => FieldError[];

const validators: Record<string, Validator> = {
  '/Service': (o, old) => {
    if (!old) return validateService(o);
    const prepared = prepareServiceUpdate(o, old);
    return [...validateServiceUpdate(prepared, old), ...validateServiceStatus(prepared)];
  },
  '/Pod': (o, old) => (old ? [...validatePodUpdate(o, old), ...validatePodStatus(o)] : validatePod(o)),
  '/Namespace': validateNamespace,
  '/Node': validateNode,
  '/Endpoints': validateEndpoints,
  '/Secret': validateSecret,
  '/ConfigMap': validateConfigMap,
  '/Event': validateEvent,
  '/ServiceAccount': validateServiceAccount,
  'apps/Deployment': (o, old) => (old ? [...validateDeployment(o, old), ...validateDeploymentStatus(o, old)] : validateDeployment(o)),
  'apps/ReplicaSet': (o, old) => (old ? [...validateReplicaSet(o, old), ...validateReplicaSetStatus(o)] : validateReplicaSet(o)),
  'discovery.k8s.io/EndpointSlice': validateEndpointSlice,
  'networking.k8s.io/Ingress': (o, old) => (old ? [...validateIngress(o, old), ...validateIngressStatus(o)] : validateIngress(o)),
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
