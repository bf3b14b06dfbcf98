/** Node and pod (anti-)affinity validation (core/validation, 1.32). */
import { fieldErr, type FieldError } from '../errors.js';
import { validateLabelName, validateLabelSelector } from './labels.js';
import { isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { asArray, asNumber, asObj, asString, isSet, objOrEmpty, type Obj } from './util.js';

function validateNodeSelectorRequirement(req: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const operator = asString(req.operator);
  const values = asArray(req.values).map(asString);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length === 0) errs.push(fieldErr.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (operator === 'Exists' || operator === 'DoesNotExist') {
    if (values.length > 0) errs.push(fieldErr.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else if (operator === 'Gt' || operator === 'Lt') {
    if (values.length !== 1) errs.push(fieldErr.required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  } else {
    errs.push(fieldErr.invalid(`${path}.operator`, operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(asString(req.key), `${path}.key`));
  values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((m) => fieldErr.invalid(`${path}.values[${i}]`, v, m))));
  return errs;
}

/** Node fields a selector may name: only metadata.name. */
function validateNodeFieldRequirement(req: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const operator = asString(req.operator);
  const values = asArray(req.values).map(asString);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length !== 1) errs.push(fieldErr.required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(fieldErr.invalid(`${path}.operator`, operator, 'not a valid selector operator'));
  }
  if (asString(req.key) !== 'metadata.name') errs.push(fieldErr.invalid(`${path}.key`, asString(req.key), 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...nameIsDNSSubdomain(v, false).map((m) => fieldErr.invalid(`${path}.values[${i}]`, v, m))));
  return errs;
}

function validateNodeSelectorTerm(term: Obj, path: string): FieldError[] {
  return [
    ...asArray(term.matchExpressions).flatMap((r, j) => validateNodeSelectorRequirement(objOrEmpty(r), `${path}.matchExpressions[${j}]`)),
    ...asArray(term.matchFields).flatMap((r, j) => validateNodeFieldRequirement(objOrEmpty(r), `${path}.matchFields[${j}]`)),
  ];
}

function validateNodeAffinity(na: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const required = asObj(na.requiredDuringSchedulingIgnoredDuringExecution);
  if (required) {
    const termsPath = `${path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    const terms = asArray(required.nodeSelectorTerms);
    if (terms.length === 0) errs.push(fieldErr.required(termsPath, 'must have at least one node selector term'));
    terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(objOrEmpty(t), `${termsPath}[${i}]`)));
  }
  asArray(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
    const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const term = objOrEmpty(raw);
    const weight = asNumber(term.weight);
    if (weight <= 0 || weight > 100) errs.push(fieldErr.invalid(`${at}.weight`, weight, 'must be in the range 1-100'));
    errs.push(...validateNodeSelectorTerm(objOrEmpty(term.preference), `${at}.preference`));
  });
  return errs;
}

function validatePodAffinityTerm(term: Obj, path: string): FieldError[] {
  const errs = [...validateLabelSelector(term.labelSelector, `${path}.labelSelector`), ...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`)];
  for (const ns of asArray(term.namespaces).map(asString)) errs.push(...nameIsDNSLabel(ns, false).map((m) => fieldErr.invalid(`${path}.namespace`, ns, m)));
  const key = asString(term.topologyKey);
  if (!key) errs.push(fieldErr.required(`${path}.topologyKey`, 'can not be empty'));
  errs.push(...validateLabelName(key, `${path}.topologyKey`));
  return errs;
}

function validatePodAffinityKind(value: Obj, path: string): FieldError[] {
  const errs = asArray(value.requiredDuringSchedulingIgnoredDuringExecution).flatMap((t, i) =>
    validatePodAffinityTerm(objOrEmpty(t), `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`),
  );
  asArray(value.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
    const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const weighted = objOrEmpty(raw);
    const weight = asNumber(weighted.weight);
    if (weight <= 0 || weight > 100) errs.push(fieldErr.invalid(`${at}.weight`, weight, 'must be in the range 1-100'));
    errs.push(...validatePodAffinityTerm(objOrEmpty(weighted.podAffinityTerm), `${at}.podAffinityTerm`));
  });
  return errs;
}

export function validateAffinity(value: unknown, path: string): FieldError[] {
  const affinity = asObj(value);
  if (!affinity) return [];
  const errs: FieldError[] = [];
  if (isSet(affinity.nodeAffinity)) errs.push(...validateNodeAffinity(objOrEmpty(affinity.nodeAffinity), `${path}.nodeAffinity`));
  if (isSet(affinity.podAffinity)) errs.push(...validatePodAffinityKind(objOrEmpty(affinity.podAffinity), `${path}.podAffinity`));
  if (isSet(affinity.podAntiAffinity)) errs.push(...validatePodAffinityKind(objOrEmpty(affinity.podAntiAffinity), `${path}.podAntiAffinity`));
  return errs;
}

/** topologySpreadConstraints: skew, key, action, no repeated {topologyKey, whenUnsatisfiable}. */
export function validateTopologySpreadConstraints(value: unknown, path: string): FieldError[] {
  const constraints = asArray(value).map(objOrEmpty);
  const errs: FieldError[] = [];
  constraints.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const maxSkew = asNumber(c.maxSkew);
    if (maxSkew <= 0) errs.push(fieldErr.invalid(`${at}.maxSkew`, maxSkew, 'must be greater than zero'));
    const key = asString(c.topologyKey);
    if (!key) errs.push(fieldErr.required(`${at}.topologyKey`, 'can not be empty'));
    const action = asString(c.whenUnsatisfiable);
    if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway') errs.push(fieldErr.notSupported(`${at}.whenUnsatisfiable`, action, ['DoNotSchedule', 'ScheduleAnyway']));
    if (constraints.slice(i + 1).some((o) => asString(o.topologyKey) === key && asString(o.whenUnsatisfiable) === action)) {
      errs.push(fieldErr.duplicate(`${at}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${action}}`));
    }
    if (isSet(c.minDomains)) {
      const min = asNumber(c.minDomains);
      if (min <= 0) errs.push(fieldErr.invalid(`${at}.minDomains`, min, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') errs.push(fieldErr.invalid(`${at}.minDomains`, min, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (isSet(c[policy]) && !['Honor', 'Ignore'].includes(asString(c[policy]))) errs.push(fieldErr.notSupported(`${at}.${policy}`, asString(c[policy]), ['Honor', 'Ignore']));
    }
    errs.push(...validateLabelSelector(c.labelSelector, `${at}.labelSelector`));
  });
  return errs;
}
