/** Namespace, Node, Secret, ConfigMap, ServiceAccount, Event and Lease validation (1.32). */
import { fieldErr, GoRepr, type FieldError } from '../errors.js';
import { validateLabelName } from './labels.js';
import { isConfigMapKey, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { isIPv6String, isValidCIDR } from './net.js';
import { fieldImmutable, validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { parseQuantity, quantityText } from './quantity.js';
import { asArray, asNumber, asObj, asString, deepEqual, isSet, objOrEmpty, type Obj } from './util.js';

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

const maxSecretSize = 1024 * 1024;

function base64Length(v: unknown): number {
  return Buffer.from(asString(v), 'base64').length;
}

function validateSecretTypeData(secret: Obj): FieldError[] {
  const data = objOrEmpty(secret.data);
  const has = (k: string) => k in data;
  const req = (k: string) => fieldErr.required(`data[${k}]`);
  switch (asString(secret.type)) {
    case 'kubernetes.io/service-account-token': {
      const name = asString(objOrEmpty(objOrEmpty(secret.metadata).annotations)['kubernetes.io/service-account.name']);
      return name ? [] : [fieldErr.required('metadata.annotations[kubernetes.io/service-account.name]')];
    }
    case 'kubernetes.io/dockercfg':
      return has('.dockercfg') ? [] : [req('.dockercfg')];
    case 'kubernetes.io/dockerconfigjson':
      return has('.dockerconfigjson') ? [] : [req('.dockerconfigjson')];
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [req('username'), req('password')];
    case 'kubernetes.io/ssh-auth':
      return base64Length(data['ssh-privatekey']) > 0 ? [] : [req('ssh-privatekey')];
    case 'kubernetes.io/tls':
      return [...(has('tls.crt') ? [] : [req('tls.crt')]), ...(has('tls.key') ? [] : [req('tls.key')])];
    default:
      return [];
  }
}

function validateSecretCreate(secret: Obj): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain);
  let size = 0;
  for (const [key, value] of Object.entries(objOrEmpty(secret.data))) {
    errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`data[${key}]`, key, m)));
    size += base64Length(value);
  }
  if (size > maxSecretSize) errs.push(fieldErr.tooLong('data', '', maxSecretSize));
  errs.push(...validateSecretTypeData(secret));
  return errs;
}

/** `immutable: true` freezes the data (and itself) for Secrets and ConfigMaps. */
function immutableDataErrors(obj: Obj, old: Obj, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!deepEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(fieldErr.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export function validateSecret(secret: Obj, old?: Obj): FieldError[] {
  if (!old) return validateSecretCreate(secret);
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata);
  const type = asString(secret.type);
  if (type !== asString(old.type)) errs.push(fieldErr.invalid('type', type, fieldImmutable));
  errs.push(...immutableDataErrors(secret, old, ['data']));
  errs.push(...validateSecretCreate(secret));
  return errs;
}

function validateConfigMapCreate(cm: Obj): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain);
  const data = objOrEmpty(cm.data);
  const binary = objOrEmpty(cm.binaryData);
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`data[${key}]`, key, m)));
    if (key in binary) errs.push(fieldErr.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(asString(value));
  }
  for (const [key, value] of Object.entries(binary)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`binaryData[${key}]`, key, m)));
    size += base64Length(value);
  }
  // Upstream reports the size on the empty path: the whole object is too big.
  if (size > maxSecretSize) errs.push(fieldErr.tooLong('', '', maxSecretSize));
  return errs;
}

export function validateConfigMap(cm: Obj, old?: Obj): FieldError[] {
  if (!old) return validateConfigMapCreate(cm);
  return [...validateObjectMetaUpdate(cm.metadata, old.metadata), ...immutableDataErrors(cm, old, ['data', 'binaryData']), ...validateConfigMapCreate(cm)];
}

export function validateServiceAccount(sa: Obj, old?: Obj): FieldError[] {
  const own = validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain);
  return old ? [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...own] : own;
}

function lengthLimit(value: string, limit: number, path: string): FieldError[] {
  return value.length > limit ? [fieldErr.invalid(path, '', `can have at most ${limit} characters`)] : [];
}

/**
 * core/v1 Events get only the legacy checks (the namespace must match the involved object's),
 * plus the generic metadata check every write gets (path-segment names).
 */
export function validateEvent(ev: Obj, old?: Obj): FieldError[] {
  const meta = objOrEmpty(ev.metadata);
  const namespace = asString(meta.namespace);
  const involvedNamespace = asString(objOrEmpty(ev.involvedObject).namespace);
  const errs: FieldError[] = [];
  const mismatch = () => fieldErr.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (!isSet(ev.eventTime)) {
    if (!involvedNamespace ? namespace !== '' && namespace !== 'default' : namespace !== involvedNamespace) errs.push(mismatch());
  } else {
    if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    const controller = asString(ev.reportingComponent);
    if (!controller) errs.push(fieldErr.required('reportingComponent'));
    errs.push(...isQualifiedName(controller).map((m) => fieldErr.invalid('reportingComponent', controller, m)));
    for (const [f, limit] of [['reportingInstance', 128], ['action', 128], ['reason', 128]] as const) {
      if (!asString(ev[f])) errs.push(fieldErr.required(f));
      errs.push(...lengthLimit(asString(ev[f]), limit, f));
    }
    errs.push(...lengthLimit(asString(ev.message), 1024, 'message'));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((m) => fieldErr.invalid('namespace', namespace, m)));
  if (errs.length) return errs;
  const segment = (name: string) => isValidPathSegmentName(name);
  return old ? validateObjectMetaUpdate(meta, old.metadata) : validateObjectMeta(meta, true, segment);
}

export function validateLease(lease: Obj, old?: Obj): FieldError[] {
  const spec = objOrEmpty(lease.spec);
  const errs = old ? validateObjectMetaUpdate(lease.metadata, old.metadata) : validateObjectMeta(lease.metadata, true, nameIsDNSSubdomain);
  if (isSet(spec.leaseDurationSeconds) && asNumber(spec.leaseDurationSeconds) <= 0) {
    errs.push(fieldErr.invalid('spec.leaseDurationSeconds', asNumber(spec.leaseDurationSeconds), 'must be greater than 0'));
  }
  if (isSet(spec.leaseTransitions) && asNumber(spec.leaseTransitions) < 0) {
    errs.push(fieldErr.invalid('spec.leaseTransitions', asNumber(spec.leaseTransitions), 'must be greater than or equal to 0'));
  }
  return errs;
}

