/**
 * What upstream's Service strategy does to an update before validating it (PrepareForUpdate:
 * patchAllocatedValues and dropTypeDependentFields). The registry applies the same changes when
 * it allocates, after validation; validating a prepared copy gives upstream's verdict.
 */
import { externallyAccessible } from './service.js';
import { asArray, asNumber, asString, clone, deepEqual, isSet, objOrEmpty, type Obj } from './util.js';

const needsClusterIP = (spec: Obj) => asString(spec.type) !== 'ExternalName';
const needsNodePorts = (spec: Obj) => ['NodePort', 'LoadBalancer'].includes(asString(spec.type));
const needsHealthCheck = (spec: Obj) => asString(spec.type) === 'LoadBalancer' && asString(spec.externalTrafficPolicy) === 'Local';

function portKey(p: Obj): string {
  return `${asString(p.protocol) || 'TCP'}/${asNumber(p.port)}`;
}

/** An update that omits allocated values keeps the stored ones. */
function keepAllocatedValues(spec: Obj, old: Obj): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!asString(spec.clusterIP) && asString(old.clusterIP)) spec.clusterIP = old.clusterIP;
    if (asArray(spec.clusterIPs).length === 0 && asArray(old.clusterIPs).length > 0 && spec.clusterIP === old.clusterIP) spec.clusterIPs = clone(old.clusterIPs);
  }
  if (needsNodePorts(old) && needsNodePorts(spec)) {
    const oldPorts = asArray(old.ports).map(objOrEmpty);
    for (const p of asArray(spec.ports).map(objOrEmpty)) {
      const was = oldPorts.find((o) => portKey(o) === portKey(p));
      if (!asNumber(p.nodePort) && was && asNumber(was.nodePort)) p.nodePort = was.nodePort;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && !asNumber(spec.healthCheckNodePort)) spec.healthCheckNodePort = old.healthCheckNodePort;
}

/** A type change wipes values the new type cannot use, when the user left them as they were. */
function dropTypeDependentFields(svc: Obj, spec: Obj, old: Obj): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (deepEqual(spec.clusterIPs, old.clusterIPs) && asString(spec.clusterIP) === asString(old.clusterIP)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (deepEqual(spec.ipFamilies, old.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === old.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (needsNodePorts(old) && !needsNodePorts(spec)) {
    const nodePorts = (s: Obj) => asArray(s.ports).map((p) => asNumber(objOrEmpty(p).nodePort));
    if (deepEqual(nodePorts(spec), nodePorts(old))) for (const p of asArray(spec.ports).map(objOrEmpty)) delete p.nodePort;
    if (asNumber(spec.healthCheckNodePort) === asNumber(old.healthCheckNodePort)) delete spec.healthCheckNodePort;
  }
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (isSet(spec.allocateLoadBalancerNodePorts) && spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === old.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(spec) && spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  // Upstream clears load-balancer status whenever the type is not LoadBalancer. Only a type change
  // is treated so here, so that a /status write to a non-LB Service is still refused.
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer' && isSet(svc.status)) objOrEmpty(svc.status).loadBalancer = {};
}

/** Applies upstream's PrepareForUpdate to `svc` in place (the registry's strategy calls this). */
export function prepareServiceForUpdate(svc: Obj, old: Obj): void {
  if (!isSet(svc.spec)) svc.spec = {};
  const spec = objOrEmpty(svc.spec);
  const oldSpec = objOrEmpty(old.spec);
  keepAllocatedValues(spec, oldSpec);
  dropTypeDependentFields(svc, spec, oldSpec);
}

/** A prepared copy, so validation gives upstream's verdict on its own; preparing twice changes nothing. */
export function prepareServiceUpdate(svc: Obj, old: Obj): Obj {
  const copy = clone(svc);
  prepareServiceForUpdate(copy, old);
  return copy;
}
