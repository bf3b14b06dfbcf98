/** Secret, ConfigMap and ServiceAccount validation (core/validation, 1.32). */
import { fieldErr, type FieldError } from '../errors.js';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.js';
import { fieldImmutable, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { asString, deepEqual, objOrEmpty, type Obj } from './util.js';

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
