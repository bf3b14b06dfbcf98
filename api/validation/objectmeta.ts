/**
 * ObjectMeta validation on create and update (apimachinery api/validation/objectmeta.go plus the
 * core additions for finalizer names).
 */
import { fieldErr, type FieldError } from '../errors.js';
import { goOwnerReferences, goOwnerReferenceText, goStringSlice } from './gorepr.js';
import { GoRepr } from '../errors.js';
import { validateLabels } from './labels.js';
import { isQualifiedName, nameIsDNSLabel, type NameValidator } from './names.js';
import { asArray, asNumber, asObj, asString, asStringMap, isSet, type Obj } from './util.js';

export const fieldImmutable = 'field is immutable';
export const isNegativeErrorMsg = 'must be greater than or equal to 0';
const totalAnnotationSizeLimit = 256 * 1024;
/** Finalizer names without a '/' that Kubernetes itself uses. */
const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateNonnegative(value: number, path: string): FieldError[] {
  return value < 0 ? [fieldErr.invalid(path, value, isNegativeErrorMsg)] : [];
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(asStringMap(annotations))) {
    // Annotation keys follow the qualified-name rule, but case does not matter.
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => fieldErr.invalid(path, k, m)));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > totalAnnotationSizeLimit) errs.push(fieldErr.tooLong(path, '', totalAnnotationSizeLimit));
  return errs;
}

function validateOwnerReference(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = asString(ref.apiVersion);
  const parts = apiVersion.split('/');
  const version = parts.length === 1 ? parts[0] : parts.length === 2 ? parts[1] : '';
  const group = parts.length === 2 ? parts[0] : '';
  const kind = asString(ref.kind);
  if (!version) errs.push(fieldErr.invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
  if (!kind) errs.push(fieldErr.invalid(`${path}.kind`, kind, 'must not be empty'));
  if (!asString(ref.name)) errs.push(fieldErr.invalid(`${path}.name`, asString(ref.name), 'must not be empty'));
  if (!asString(ref.uid)) errs.push(fieldErr.invalid(`${path}.uid`, asString(ref.uid), 'must not be empty'));
  if (group === '' && version === 'v1' && kind === 'Event') {
    errs.push(fieldErr.invalid(path, new GoRepr(goOwnerReferenceText(ref)), '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

export function validateOwnerReferences(refsValue: unknown, path: string): FieldError[] {
  const refs = asArray(refsValue).map((r) => asObj(r) ?? {});
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const current = `${asString(ref.kind)}/${asString(ref.name)}`;
      if (firstController) {
        errs.push(
          fieldErr.invalid(path, goOwnerReferences(refs), `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`),
        );
      } else firstController = current;
    }
  }
  return errs;
}

export function validateFinalizers(finalizersValue: unknown, path: string): FieldError[] {
  const finalizers = asArray(finalizersValue).map(asString);
  const errs: FieldError[] = [];
  for (const f of finalizers) errs.push(...isQualifiedName(f).map((m) => fieldErr.invalid(path, f, m)));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(fieldErr.invalid(path, goStringSlice(finalizers), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Core's extra rule: a finalizer without a domain prefix must be one Kubernetes defines. */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  if (name.split('/').length === 1 && !standardFinalizers.has(name)) {
    return [fieldErr.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

function validateManagedFields(value: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(value).forEach((entry, i) => {
    const e = asObj(entry) ?? {};
    const op = asString(e.operation);
    if (op !== 'Apply' && op !== 'Update') errs.push(fieldErr.invalid(`${path}[${i}].operation`, op, 'must be `Apply` or `Update`'));
    const ft = asString(e.fieldsType);
    if (ft && ft !== 'FieldsV1') errs.push(fieldErr.invalid(`${path}[${i}].fieldsType`, ft, 'must be `FieldsV1`'));
  });
  return errs;
}

/** Labels, annotations, owners, finalizers, managed fields: checked the same on create and update. */
function validateMetaCommon(meta: Obj, path: string): FieldError[] {
  return [
    ...validateLabels(meta.labels, `${path}.labels`),
    ...validateAnnotations(meta.annotations, `${path}.annotations`),
    ...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`),
    ...validateFinalizers(meta.finalizers, `${path}.finalizers`),
    ...validateManagedFields(meta.managedFields, `${path}.managedFields`),
  ];
}

function kubeFinalizerNames(meta: Obj, path: string): FieldError[] {
  return asArray(meta.finalizers).flatMap((f, i) => validateKubeFinalizerName(asString(f), `${path}.finalizers[${i}]`));
}

export function validateObjectMeta(metaValue: unknown, namespaced: boolean, nameFn: NameValidator, path = 'metadata'): FieldError[] {
  const meta = asObj(metaValue) ?? {};
  const errs: FieldError[] = [];
  const generateName = asString(meta.generateName);
  const name = asString(meta.name);
  const namespace = asString(meta.namespace);
  if (generateName) errs.push(...nameFn(generateName, true).map((m) => fieldErr.invalid(`${path}.generateName`, generateName, m)));
  if (!name) errs.push(fieldErr.required(`${path}.name`, 'name or generateName is required'));
  else errs.push(...nameFn(name, false).map((m) => fieldErr.invalid(`${path}.name`, name, m)));
  if (namespaced) {
    if (!namespace) errs.push(fieldErr.required(`${path}.namespace`));
    else errs.push(...nameIsDNSLabel(namespace, false).map((m) => fieldErr.invalid(`${path}.namespace`, namespace, m)));
  } else if (namespace) {
    errs.push(fieldErr.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateNonnegative(asNumber(meta.generation), `${path}.generation`));
  errs.push(...validateMetaCommon(meta, path));
  errs.push(...kubeFinalizerNames(meta, path));
  return errs;
}

function immutable(newVal: string, oldVal: string, path: string): FieldError[] {
  return newVal === oldVal ? [] : [fieldErr.invalid(path, newVal, fieldImmutable)];
}

/**
 * Update rules. resourceVersion, generation and timestamps are the registry's to set before
 * validation (as rest.BeforeUpdate does), so they are not re-checked here.
 */
export function validateObjectMetaUpdate(newValue: unknown, oldValue: unknown, path = 'metadata'): FieldError[] {
  const meta = asObj(newValue) ?? {};
  const old = asObj(oldValue) ?? {};
  const errs: FieldError[] = [];
  if (isSet(old.deletionTimestamp)) {
    const before = new Set(asArray(old.finalizers).map(asString));
    const added = [...new Set(asArray(meta.finalizers).map(asString))].filter((f) => !before.has(f)).sort();
    if (added.length) {
      errs.push(fieldErr.forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(added).text}`));
    }
  }
  errs.push(...immutable(asString(meta.name), asString(old.name), `${path}.name`));
  errs.push(...immutable(asString(meta.namespace), asString(old.namespace), `${path}.namespace`));
  // An update without a uid keeps the stored one (rest.BeforeUpdate).
  if (asString(meta.uid)) errs.push(...immutable(asString(meta.uid), asString(old.uid), `${path}.uid`));
  errs.push(...validateMetaCommon(meta, path));
  errs.push(...kubeFinalizerNames(meta, path));
  return errs;
}
