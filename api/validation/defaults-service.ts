/**
 * Service defaults (SetDefaults_Service, 1.32) plus the IP-family and clusterIPs normalisation the
 * registry strategy does before validation. Allocation of clusterIP and nodePorts is not here.
 */
import { externallyAccessible } from './service.js';
import { isIPv6String } from './net.js';
import { asArray, asObj, asString, ensureObj, isSet, type Obj } from './util.js';

const clientIPDefaultTimeout = 10800;

function defaultAffinity(spec: Obj): void {
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = asObj(asObj(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    if (!isSet(timeout)) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: clientIPDefaultTimeout } };
  }
}

function defaultPorts(spec: Obj): void {
  for (const p of asArray(spec.ports)) {
    const port = asObj(p);
    if (!port) continue;
    if (!port.protocol) port.protocol = 'TCP';
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
}

/** clusterIP and clusterIPs name the same address; whichever was given fills the other. */
function syncClusterIPs(spec: Obj): void {
  const ips = asArray(spec.clusterIPs);
  if (asString(spec.clusterIP) && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
  else if (!asString(spec.clusterIP) && ips.length > 0) spec.clusterIP = ips[0];
}

const otherFamily = (f: string) => (f === 'IPv6' ? 'IPv4' : 'IPv6');

/**
 * IP families as the registry's initIPFamilyFields sets them on this single-stack IPv4 cluster:
 * inferred from given cluster IPs, else IPv4, SingleStack. Headless Services without a selector
 * default to RequireDualStack and list both families (they get no cluster IP anyway).
 */
function defaultIPFamilies(spec: Obj): void {
  if (spec.type === 'ExternalName') return;
  const headlessSelectorless = spec.clusterIP === 'None' && Object.keys(asObj(spec.selector) ?? {}).length === 0;
  if (!isSet(spec.ipFamilyPolicy)) spec.ipFamilyPolicy = headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  const families = asArray(spec.ipFamilies).map(asString);
  asArray(spec.clusterIPs).forEach((ip, i) => {
    if (ip !== 'None' && i >= families.length && asString(ip)) families.push(isIPv6String(asString(ip)) ? 'IPv6' : 'IPv4');
  });
  if (families.length === 0) families.push('IPv4');
  if (headlessSelectorless && families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(otherFamily(families[0]));
  spec.ipFamilies = families;
}

export function defaultService(svc: Obj): void {
  const spec = ensureObj(svc, 'spec');
  defaultAffinity(spec);
  if (!spec.type) spec.type = 'ClusterIP';
  defaultPorts(spec);
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (!isSet(spec.internalTrafficPolicy) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(asString(spec.type))) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') {
    if (!isSet(spec.allocateLoadBalancerNodePorts)) spec.allocateLoadBalancerNodePorts = true;
    for (const ing of asArray(asObj(asObj(svc.status)?.loadBalancer)?.ingress)) {
      const i = asObj(ing);
      if (i && i.ip && !i.ipMode) i.ipMode = 'VIP';
    }
  }
  syncClusterIPs(spec);
  defaultIPFamilies(spec);
}
