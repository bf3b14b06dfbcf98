/** Namespace and Node validation (core/validation, 1.32). */
import { fieldErr, GoRepr, type FieldError } from '../errors.js';
import { validateLabelName } from './labels.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { isIPv6String, isValidCIDR } from './net.js';
import { validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { parseQuantity, quantityText } from './quantity.js';
import { asArray, asString, deepEqual, objOrEmpty, type Obj } from './util.js';

export function validateNamespace(ns: Obj, old?: Obj): FieldError[] {
  if (old) return validateObjectMetaUpdate(ns.metadata, old.metadata);
  const errs = validateObjectMeta(ns.metadata, false, nameIsDNSLabel);
  for (const f of asArray(objOrEmpty(ns.spec).finalizers).map(asString)) {
    errs.push(...isQualifiedName(f).map((m) => fieldErr.invalid('spec.finalizers', f, m)));
    errs.push(...validateKubeFinalizerName(f, 'spec.finalizers'));
  }
  return errs;
}

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  asArray(taints).forEach((raw, i) => {
    const t = objOrEmpty(raw);
    const at = `${path}[${i}]`;
    const key = asString(t.key);
    const value = asString(t.value);
    const effect = asString(t.effect);
    errs.push(...validateLabelName(key, `${at}.key`));
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(fieldErr.invalid(`${at}.value`, value, msgs.join(';')));
    if (!effect) errs.push(fieldErr.required(`${at}.effect`));
    else if (!taintEffects.includes(effect)) errs.push(fieldErr.notSupported(`${at}.effect`, effect, taintEffects));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) {
      const repr = new GoRepr(`core.Taint{Key:${JSON.stringify(key)}, Value:${JSON.stringify(value)}, Effect:${JSON.stringify(effect)}, TimeAdded:(*v1.Time)(nil)}`);
      errs.push({ ...fieldErr.duplicate(at, repr), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    seen.add(id);
  });
  return errs;
}

/** Resources counted in whole units. */
const integerResources = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims']);

function validateResourceList(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(objOrEmpty(list))) {
    const at = `${path}.${name}`;
    const q = parseQuantity(value);
    if (!q.ok) errs.push(fieldErr.invalid(at, quantityText(value), q.error));
    else {
      if (q.value < 0) errs.push(fieldErr.invalid(at, quantityText(value), 'must be greater than or equal to 0'));
      if (integerResources.has(name) && !Number.isInteger(q.value)) errs.push(fieldErr.invalid(at, quantityText(value), 'must be an integer'));
    }
  }
  return errs;
}

function validatePodCIDRs(cidrs: string[]): FieldError[] {
  const errs = cidrs.flatMap((c, i) => isValidCIDR(`spec.podCIDRs[${i}]`, c));
  if (cidrs.length > 1 && errs.length === 0) {
    const dual = cidrs.length === 2 && isIPv6String(cidrs[0].split('/')[0]) !== isIPv6String(cidrs[1].split('/')[0]);
    if (!dual) errs.push(fieldErr.invalid('spec.podCIDRs', new GoRepr(`[]string{${cidrs.map((c) => JSON.stringify(c)).join(', ')}}`), 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(fieldErr.duplicate(`spec.podCIDRs[${i}]`, c));
      seen.add(c);
    });
  }
  return errs;
}

function validateNodeCreate(node: Obj): FieldError[] {
  const spec = objOrEmpty(node.spec);
  const status = objOrEmpty(node.status);
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  // Upstream reports taints under metadata (fldPath is the metadata path there).
  errs.push(...validateTaints(spec.taints, 'metadata.taints'));
  errs.push(...validateResourceList(status.capacity, 'status.capacity'));
  errs.push(...validateResourceList(status.allocatable, 'status.allocatable'));
  errs.push(...validatePodCIDRs(asArray(spec.podCIDRs).map(asString)));
  return errs;
}

function validateNodeUpdateRules(node: Obj, old: Obj): FieldError[] {
  const spec = objOrEmpty(node.spec);
  const oldSpec = objOrEmpty(old.spec);
  const status = objOrEmpty(node.status);
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  errs.push(...validateResourceList(status.capacity, 'status.capacity'));
  errs.push(...validateResourceList(status.allocatable, 'status.allocatable'));
  const seen: Obj[] = [];
  asArray(status.addresses).forEach((a, i) => {
    if (seen.some((s) => deepEqual(s, a))) {
      const o = objOrEmpty(a);
      errs.push(fieldErr.duplicate(`status.addresses[${i}]`, new GoRepr(`core.NodeAddress{Type:${JSON.stringify(asString(o.type))}, Address:${JSON.stringify(asString(o.address))}}`)));
    }
    seen.push(objOrEmpty(a));
  });
  const oldCIDRs = asArray(oldSpec.podCIDRs).map(asString);
  const cidrs = asArray(spec.podCIDRs).map(asString);
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== cidrs.length) errs.push(fieldErr.forbidden('spec.podCIDRs', cidrMsg));
    else oldCIDRs.forEach((c, i) => c !== cidrs[i] && errs.push(fieldErr.forbidden('spec.podCIDRs', cidrMsg)));
  }
  const providerID = asString(oldSpec.providerID);
  if (providerID && providerID !== asString(spec.providerID)) {
    errs.push(fieldErr.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateTaints(spec.taints, 'metadata.taints'));
  return errs;
}

export function validateNode(node: Obj, old?: Obj): FieldError[] {
  return old ? [...validateNodeCreate(node), ...validateNodeUpdateRules(node, old)] : validateNodeCreate(node);
}
