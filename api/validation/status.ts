/**
 * Status checks upstream runs on /status writes (ValidateDeploymentStatusUpdate and friends).
 * validateObject cannot tell a /status write from a main write; on a main write the registry
 * keeps the stored status, which already passed, so running these on every update is safe.
 */
import { fieldErr, GoRepr, type FieldError } from '../errors.js';
import { isDNS1123Subdomain } from './names.js';
import { isValidIP, parseIPSloppy } from './net.js';
import { validateNonnegative } from './objectmeta.js';
import { asArray, asNumber, asString, isSet, objOrEmpty, type Obj } from './util.js';

const moreThanReplicas = 'cannot be greater than status.replicas';

function replicaCounts(status: Obj, fields: string[]): FieldError[] {
  const errs = fields.flatMap((f) => validateNonnegative(asNumber(status[f]), `status.${f}`));
  const replicas = asNumber(status.replicas);
  for (const f of fields.filter((f) => ['updatedReplicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'].includes(f))) {
    if (asNumber(status[f]) > replicas) errs.push(fieldErr.invalid(`status.${f}`, asNumber(status[f]), moreThanReplicas));
  }
  if (asNumber(status.availableReplicas) > asNumber(status.readyReplicas)) {
    errs.push(fieldErr.invalid('status.availableReplicas', asNumber(status.availableReplicas), 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export function validateDeploymentStatus(obj: Obj, old: Obj): FieldError[] {
  const status = objOrEmpty(obj.status);
  const errs = validateNonnegative(asNumber(status.observedGeneration), 'status.observedGeneration');
  errs.push(...replicaCounts(status, ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']));
  if (isSet(status.collisionCount)) errs.push(...validateNonnegative(asNumber(status.collisionCount), 'status.collisionCount'));
  const oldCount = objOrEmpty(old.status).collisionCount;
  if (isSet(oldCount) && (!isSet(status.collisionCount) || asNumber(status.collisionCount) < asNumber(oldCount))) {
    errs.push(fieldErr.invalid('status.collisionCount', asNumber(status.collisionCount), 'cannot be decremented'));
  }
  return errs;
}

export function validateReplicaSetStatus(obj: Obj): FieldError[] {
  const status = objOrEmpty(obj.status);
  const errs = replicaCounts(status, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']);
  errs.push(...validateNonnegative(asNumber(status.observedGeneration), 'status.observedGeneration'));
  return errs;
}

/** Pod IPs: valid, at most one per family, no duplicates; hostIPs[0] must be hostIP. */
export function validatePodStatus(obj: Obj): FieldError[] {
  const status = objOrEmpty(obj.status);
  const errs: FieldError[] = [];
  for (const [field, single] of [['podIPs', 'podIP'], ['hostIPs', 'hostIP']] as const) {
    const list = asArray(status[field]).map((x) => asString(objOrEmpty(x).ip));
    if (field === 'hostIPs' && list.length > 0 && asString(status[single]) !== list[0]) {
      errs.push(fieldErr.invalid('status.hostIPs[0].ip', list[0], 'must be equal to `hostIP`'));
    }
    list.forEach((ip, i) => errs.push(...isValidIP(`status.${field}[${i}]`, ip)));
    if (list.length > 1) {
      const families = list.map((ip) => parseIPSloppy(ip)?.length);
      if (list.length > 2 || families[0] === families[1]) {
        const repr = `[]core.${field === 'podIPs' ? 'PodIP' : 'HostIP'}{${list.map((ip) => `core.${field === 'podIPs' ? 'PodIP' : 'HostIP'}{IP:${JSON.stringify(ip)}}`).join(', ')}}`;
        errs.push(fieldErr.invalid(`status.${field}`, new GoRepr(repr), 'may specify no more than one IP for each IP family'));
      }
    }
  }
  return errs;
}

function validateLoadBalancerIngress(ingress: unknown, path: string, checkIPMode: boolean): FieldError[] {
  const errs: FieldError[] = [];
  asArray(ingress).forEach((raw, i) => {
    const ing = objOrEmpty(raw);
    const at = `${path}[${i}]`;
    const ip = asString(ing.ip);
    if (ip) errs.push(...isValidIP(`${at}.ip`, ip));
    if (checkIPMode) {
      if (!isSet(ing.ipMode)) {
        if (ip) errs.push(fieldErr.required(`${at}.ipMode`, 'must be specified when `ip` is set'));
      } else if (!ip) errs.push(fieldErr.forbidden(`${at}.ipMode`, 'may not be specified when `ip` is not set'));
      else if (!['Proxy', 'VIP'].includes(asString(ing.ipMode))) errs.push(fieldErr.notSupported(`${at}.ipMode`, asString(ing.ipMode), ['Proxy', 'VIP']));
    }
    const hostname = asString(ing.hostname);
    if (hostname) {
      errs.push(...isDNS1123Subdomain(hostname).map((m) => fieldErr.invalid(`${at}.hostname`, hostname, m)));
      if (parseIPSloppy(hostname)) errs.push(fieldErr.invalid(`${at}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

export function validateServiceStatus(obj: Obj): FieldError[] {
  const ingress = objOrEmpty(objOrEmpty(obj.status).loadBalancer).ingress;
  const path = 'status.loadBalancer.ingress';
  if (asString(objOrEmpty(obj.spec).type) !== 'LoadBalancer' && asArray(ingress).length > 0) {
    return [fieldErr.forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  }
  return validateLoadBalancerIngress(ingress, path, true);
}

export function validateIngressStatus(obj: Obj): FieldError[] {
  return validateLoadBalancerIngress(objOrEmpty(objOrEmpty(obj.status).loadBalancer).ingress, 'status.loadBalancer.ingress', false);
}
