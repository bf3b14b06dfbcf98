/** Service validation (core/validation ValidateService and ValidateServiceUpdate, 1.32). */
import { fieldErr, type FieldError } from '../errors.js';
import { goServicePortKey, goStringSlice } from './gorepr.js';
import { validateLabels } from './labels.js';
import { supportedProtocols, validateDNS1123Label, validatePortNumOrName, validateQualifiedName } from './common.js';
import { isDNS1123Subdomain, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { isIPv6String, isValidCIDR, isValidIP, validateNonSpecialIP } from './net.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { asArray, asNumber, asObj, asString, isSet, objOrEmpty, type Obj } from './util.js';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const maxClientIPAffinitySeconds = 86400;

function isHeadless(spec: Obj): boolean {
  const ips = asArray(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

export function externallyAccessible(spec: Obj): boolean {
  const type = asString(spec.type);
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && asArray(spec.externalIPs).length > 0);
}

function needsHealthCheck(spec: Obj): boolean {
  return asString(spec.type) === 'LoadBalancer' && asString(spec.externalTrafficPolicy) === 'Local';
}

function validateServicePort(port: Obj, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(port.name);
  if (requireName && !name) errs.push(fieldErr.required(`${path}.name`));
  else if (name) {
    errs.push(...validateDNS1123Label(name, `${path}.name`));
    if (names.has(name)) errs.push(fieldErr.duplicate(`${path}.name`, name));
    else names.add(name);
  }
  const num = asNumber(port.port);
  errs.push(...isValidPortNum(num).map((m) => fieldErr.invalid(`${path}.port`, num, m)));
  const protocol = asString(port.protocol);
  if (!protocol) errs.push(fieldErr.required(`${path}.protocol`));
  else if (!supportedProtocols.includes(protocol)) errs.push(fieldErr.notSupported(`${path}.protocol`, protocol, supportedProtocols));
  errs.push(...validatePortNumOrName(port.targetPort, `${path}.targetPort`));
  if (isSet(port.appProtocol)) errs.push(...validateQualifiedName(asString(port.appProtocol), `${path}.appProtocol`));
  return errs;
}

function validateTypeSpecific(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = asString(spec.type);
  const first = asArray(spec.clusterIPs)[0];
  if ((type === 'LoadBalancer' || type === 'NodePort') && isHeadless(spec)) {
    errs.push(fieldErr.invalid('spec.clusterIPs[0]', first, `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (asArray(spec.clusterIPs).length > 0) errs.push(fieldErr.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (asArray(spec.ipFamilies).length > 0) errs.push(fieldErr.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (isSet(spec.ipFamilyPolicy)) errs.push(fieldErr.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    // The CNAME may end in a dot to say it is fully qualified.
    const cname = asString(spec.externalName).replace(/\.$/, '');
    if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => fieldErr.invalid('spec.externalName', cname, m)));
    else errs.push(fieldErr.required('spec.externalName'));
  }
  return errs;
}

function validateSessionAffinity(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const affinity = asString(spec.sessionAffinity);
  if (!affinity) errs.push(fieldErr.required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(fieldErr.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  const path = 'spec.sessionAffinityConfig';
  if (affinity === 'ClientIP') {
    const cfg = asObj(spec.sessionAffinityConfig);
    const clientIP = asObj(cfg?.clientIP);
    const why = 'when session affinity type is ClientIP';
    if (!cfg) errs.push(fieldErr.required(path, why));
    else if (!clientIP) errs.push(fieldErr.required(`${path}.clientIP`, why));
    else if (!isSet(clientIP.timeoutSeconds)) errs.push(fieldErr.required(`${path}.clientIP.timeoutSeconds`, why));
    else {
      const t = asNumber(clientIP.timeoutSeconds);
      if (t <= 0 || t > maxClientIPAffinitySeconds) {
        errs.push(fieldErr.invalid(`${path}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${maxClientIPAffinitySeconds}`));
      }
    }
  } else if (affinity === 'None' && isSet(spec.sessionAffinityConfig)) {
    errs.push(fieldErr.forbidden(path, 'must not be set when session affinity is None'));
  }
  return errs;
}

/** clusterIP, clusterIPs, ipFamilies and ipFamilyPolicy must agree with each other. */
function validateClusterIPsRelated(spec: Obj): FieldError[] {
  if (asString(spec.type) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIP = asString(spec.clusterIP);
  const ipsValue = spec.clusterIPs;
  const ips = asArray(ipsValue).map(asString);
  if (clusterIP) {
    if (ips.length === 0) errs.push(fieldErr.required('spec.clusterIPs'));
    else if (ips[0] !== clusterIP) errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(ipsValue), 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(ipsValue), 'must be empty when `clusterIP` is not specified'));
  }
  const families = asArray(spec.ipFamilies).map(asString);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldErr.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(fieldErr.duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (isSet(spec.ipFamilyPolicy)) {
    const policy = asString(spec.ipFamilyPolicy);
    const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
    if (!policies.includes(policy)) errs.push(fieldErr.notSupported('spec.ipFamilyPolicy', policy, policies));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(ipsValue), "'None' must be the first and only value"));
      }
      return;
    }
    const e = isValidIP(`spec.clusterIPs[${i}]`, ip);
    if (e.length) badIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(ipsValue), 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1 && isIPv6String(ips[0]) === isIPv6String(ips[1])) {
    errs.push(fieldErr.invalid('spec.clusterIPs', goStringSlice(ipsValue), 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    ips.slice(0, families.length).forEach((ip, i) => {
      if (families[i] === 'IPv4' && isIPv6String(ip)) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !isIPv6String(ip)) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateExternalIPs(spec: Obj): FieldError[] {
  return asArray(spec.externalIPs).flatMap((v, i) => {
    const ip = asString(v);
    const path = `spec.externalIPs[${i}]`;
    const e = isValidIP(path, ip);
    return e.length ? e : validateNonSpecialIP(ip, path);
  });
}

function validatePortDuplicates(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ports = asArray(spec.ports).map(objOrEmpty);
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const nodePort = asNumber(p.nodePort);
    if (nodePort === 0) return;
    const key = `${asString(p.protocol)}/${nodePort}`;
    if (nodePorts.has(key)) errs.push(fieldErr.duplicate(`spec.ports[${i}].nodePort`, nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${asString(p.protocol)}/${asNumber(p.port)}`;
    if (seen.has(key)) errs.push(fieldErr.duplicate(`spec.ports[${i}]`, goServicePortKey(asString(p.protocol), asNumber(p.port))));
    seen.add(key);
  });
  return errs;
}

function validateSourceRanges(spec: Obj, annotations: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const isLB = asString(spec.type) === 'LoadBalancer';
  const ranges = asArray(spec.loadBalancerSourceRanges).map(asString);
  const annotationKey = 'service.beta.kubernetes.io/load-balancer-source-ranges';
  if (ranges.length > 0) {
    // Upstream spells this path with a capital L.
    const path = 'spec.LoadBalancerSourceRanges';
    if (!isLB) errs.push(fieldErr.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(`${path}[${i}]`, r.trim())));
  } else if (annotationKey in annotations) {
    const path = `metadata.annotations[${annotationKey}]`;
    if (!isLB) errs.push(fieldErr.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    const val = asString(annotations[annotationKey]).trim();
    if (val) for (const r of val.split(',')) errs.push(...isValidCIDR(path, r.trim()));
  }
  return errs;
}

function validateLoadBalancerFields(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const isLB = asString(spec.type) === 'LoadBalancer';
  if (isSet(spec.allocateLoadBalancerNodePorts) && !isLB) {
    errs.push(fieldErr.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  // Upstream reports this one without the `spec.` prefix.
  if (isLB && !isSet(spec.allocateLoadBalancerNodePorts)) errs.push(fieldErr.required('allocateLoadBalancerNodePorts'));
  if (isLB) {
    if (isSet(spec.loadBalancerClass)) errs.push(...validateQualifiedName(asString(spec.loadBalancerClass), 'spec.loadBalancerClass'));
  } else if (isSet(spec.loadBalancerClass)) {
    errs.push(fieldErr.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

/**
 * healthCheckNodePort is allocated after validation here (upstream allocates first), so a missing
 * one is not an error; a wrong one still is.
 */
function validateTrafficPolicies(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const etp = asString(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(fieldErr.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) errs.push(fieldErr.required('spec.externalTrafficPolicy'));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(fieldErr.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const hc = asNumber(spec.healthCheckNodePort);
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(fieldErr.invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc !== 0) errs.push(...isValidPortNum(hc).map((m) => fieldErr.invalid('spec.healthCheckNodePort', hc, m)));
  const type = asString(spec.type);
  if (!isSet(spec.internalTrafficPolicy)) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(fieldErr.required('spec.internalTrafficPolicy'));
  } else {
    const itp = asString(spec.internalTrafficPolicy);
    if (itp !== 'Cluster' && itp !== 'Local') errs.push(fieldErr.notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  }
  if (isSet(spec.trafficDistribution) && asString(spec.trafficDistribution) !== 'PreferClose') {
    errs.push(fieldErr.notSupported('spec.trafficDistribution', asString(spec.trafficDistribution), ['PreferClose']));
  }
  return errs;
}

function validateTopologyAnnotations(annotations: Obj): FieldError[] {
  const mode = 'service.kubernetes.io/topology-mode';
  const hints = 'service.kubernetes.io/topology-aware-hints';
  if (mode in annotations && hints in annotations && annotations[mode] !== annotations[hints]) {
    return [fieldErr.invalid(`metadata.annotations[${mode}]`, asString(annotations[mode]), `must match annotations[${hints}] when both are specified`)];
  }
  return [];
}

export function validateService(svc: Obj): FieldError[] {
  const meta = objOrEmpty(svc.metadata);
  const annotations = objOrEmpty(meta.annotations);
  const spec = objOrEmpty(svc.spec);
  const type = asString(spec.type);
  const errs = validateObjectMeta(meta, true, nameIsDNS1035Label);
  errs.push(...validateTopologyAnnotations(annotations));
  const ports = asArray(spec.ports).map(objOrEmpty);
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(fieldErr.required('spec.ports'));
  errs.push(...validateTypeSpecific(spec));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (isSet(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPsRelated(spec));
  errs.push(...validateExternalIPs(spec));
  if (!type) errs.push(fieldErr.required('spec.type'));
  else if (!serviceTypes.includes(type)) errs.push(fieldErr.notSupported('spec.type', type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (asNumber(p.nodePort) !== 0) errs.push(fieldErr.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  errs.push(...validatePortDuplicates(spec));
  errs.push(...validateSourceRanges(spec, annotations));
  errs.push(...validateLoadBalancerFields(spec));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

/** Primary clusterIP and IP family may not change (except to/from ExternalName or headless). */
function validateClusterIPsUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  if (asString(spec.type) === 'ExternalName' || asString(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const ips = asArray(spec.clusterIPs).map(asString);
  const oldIPs = asArray(oldSpec.clusterIPs).map(asString);
  // No clusterIP in the request means "keep the allocated one"; the registry carries it over.
  if (ips.length === 0 && !asString(spec.clusterIP)) return [];
  const value = goStringSlice(spec.clusterIPs);
  const errs: FieldError[] = [];
  if (ips.length === oldIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, value, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(fieldErr.invalid('spec.clusterIPs[0]', value, 'may not change once set'));
    if (ips.length === 1 && asString(spec.ipFamilyPolicy) !== 'SingleStack') {
      errs.push(fieldErr.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(fieldErr.invalid('spec.clusterIPs[0]', value, 'may not change once set'));
  }
  return errs;
}

function validateIPFamiliesUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  if (asString(spec.type) === 'ExternalName' || asString(oldSpec.type) === 'ExternalName') return [];
  if (isHeadless(spec) || isHeadless(oldSpec)) return [];
  const fams = asArray(spec.ipFamilies).map(asString);
  const oldFams = asArray(oldSpec.ipFamilies).map(asString);
  const errs: FieldError[] = [];
  if (fams.length === oldFams.length) {
    oldFams.forEach((f, i) => {
      if (f !== fams[i]) errs.push(fieldErr.invalid('spec.ipFamilies[0]', goStringSlice(spec.ipFamilies), 'may not change once set'));
    });
  } else if (oldFams.length > fams.length) {
    if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(fieldErr.invalid('spec.ipFamilies[0]', goStringSlice(spec.clusterIPs), 'may not change once set'));
    if (fams.length === 1 && asString(spec.ipFamilyPolicy) !== 'SingleStack') {
      errs.push(fieldErr.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
    errs.push(fieldErr.invalid('spec.ipFamilies[0]', goStringSlice(spec.clusterIPs), 'may not change once set'));
  }
  return errs;
}

export function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const spec = objOrEmpty(svc.spec);
  const oldSpec = objOrEmpty(old.spec);
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  errs.push(...validateClusterIPsUpdate(spec, oldSpec));
  errs.push(...validateIPFamiliesUpdate(spec, oldSpec));
  if (asString(spec.type) === 'LoadBalancer' && asString(oldSpec.type) === 'LoadBalancer' && asString(spec.loadBalancerClass) !== asString(oldSpec.loadBalancerClass)) {
    errs.push(fieldErr.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && isSet(spec.healthCheckNodePort) && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.push(fieldErr.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

