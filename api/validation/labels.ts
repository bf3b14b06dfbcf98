/** Labels, label selectors and selector matching (apimachinery meta/v1/validation). */
import { fieldErr, type FieldError } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { asArray, asObj, asString, asStringMap } from './util.js';

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((m) => fieldErr.invalid(path, name, m));
}

/** Errors sit on the map's own path (not per key), as upstream reports them. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(asStringMap(labels))) {
    errs.push(...validateLabelName(k, path));
    errs.push(...isValidLabelValue(v).map((m) => fieldErr.invalid(path, v, m)));
  }
  return errs;
}

function validateRequirement(req: unknown, path: string): FieldError[] {
  const r = asObj(req) ?? {};
  const errs: FieldError[] = [];
  const operator = asString(r.operator);
  const values = asArray(r.values).map(asString);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length === 0) errs.push(fieldErr.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (operator === 'Exists' || operator === 'DoesNotExist') {
    if (values.length > 0) errs.push(fieldErr.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else {
    errs.push(fieldErr.invalid(`${path}.operator`, operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(asString(r.key), `${path}.key`));
  values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((m) => fieldErr.invalid(`${path}.values[${i}]`, v, m))));
  return errs;
}

export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  const sel = asObj(selector);
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  asArray(sel.matchExpressions).forEach((e, i) => errs.push(...validateRequirement(e, `${path}.matchExpressions[${i}]`)));
  return errs;
}

/** Whether a selector has no terms at all (matches everything). */
export function isEmptySelector(selector: unknown): boolean {
  const sel = asObj(selector) ?? {};
  return Object.keys(asObj(sel.matchLabels) ?? {}).length + asArray(sel.matchExpressions).length === 0;
}

/** LabelSelector semantics; an absent selector matches nothing, as metav1.LabelSelectorAsSelector(nil). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = asObj(selector);
  if (!sel) return false;
  for (const [k, v] of Object.entries(asStringMap(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const e of asArray(sel.matchExpressions)) {
    const r = asObj(e) ?? {};
    const key = asString(r.key);
    const values = asArray(r.values).map(asString);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (asString(r.operator)) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
