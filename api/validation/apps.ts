/** Deployment and ReplicaSet validation (apps/validation and the apps/v1 registry strategies, 1.32). */
import { fieldErr, GoRepr, type FieldError } from '../errors.js';
import { goDeploymentStrategy, goIntOrString, goLabelSelector, goStringMapText } from './gorepr.js';
import { isEmptySelector, selectorMatches, validateLabelSelector } from './labels.js';
import { isValidPercent, nameIsDNSSubdomain } from './names.js';
import { fieldImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { validatePodTemplateSpec } from './pod.js';
import { asNumber, asObj, asString, asStringMap, deepEqual, isSet, objOrEmpty, type Obj } from './util.js';

function validateSelector(spec: Obj, kind: string): FieldError[] {
  if (!isSet(spec.selector)) return [fieldErr.required('spec.selector')];
  const errs = validateLabelSelector(spec.selector, 'spec.selector');
  if (isEmptySelector(spec.selector)) errs.push(fieldErr.invalid('spec.selector', goLabelSelector(spec.selector), `empty selector is invalid for ${kind}`));
  return errs;
}

/** The template must carry the selector's labels and restart Always; its PodSpec is validated as a template. */
function validateTemplateForSelector(spec: Obj, controller: string): FieldError[] {
  // A selector that does not convert (bad operator, key or value) is reported once more, as upstream does.
  if (isSet(spec.selector) && validateLabelSelector(spec.selector, 'spec.selector').length > 0) {
    return [fieldErr.invalid('spec.selector', goLabelSelector(spec.selector), 'invalid label selector')];
  }
  const errs: FieldError[] = [];
  const template = objOrEmpty(spec.template);
  const labels = asStringMap(objOrEmpty(template.metadata).labels);
  const matchesEverything = isSet(spec.selector) && isEmptySelector(spec.selector);
  if (!matchesEverything && !selectorMatches(spec.selector, labels)) {
    errs.push(fieldErr.invalid('spec.template.metadata.labels', new GoRepr(goStringMapText(objOrEmpty(template.metadata).labels)), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const templateSpec = objOrEmpty(template.spec);
  const restartPolicy = asString(templateSpec.restartPolicy);
  if (restartPolicy !== 'Always') errs.push(fieldErr.notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  if (isSet(templateSpec.activeDeadlineSeconds)) {
    errs.push(fieldErr.forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${controller} is not Supported`));
  }
  return errs;
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'string') return isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : 0;
  return asNumber(v);
}

function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => fieldErr.invalid(path, goIntOrString(v), m));
  return validateNonnegative(asNumber(v), path);
}

function notMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string' || isValidPercent(v).length > 0 || Number(v.slice(0, -1)) <= 100) return [];
  return [fieldErr.invalid(path, goIntOrString(v), 'must not be greater than 100%')];
}

function validateStrategy(strategyValue: unknown): FieldError[] {
  const strategy = objOrEmpty(strategyValue);
  const path = 'spec.strategy';
  switch (asString(strategy.type)) {
    case 'Recreate':
      return isSet(strategy.rollingUpdate) ? [fieldErr.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      const ru = asObj(strategy.rollingUpdate);
      if (!ru) return [fieldErr.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const at = `${path}.rollingUpdate`;
      const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, `${at}.maxUnavailable`), ...validatePositiveIntOrPercent(ru.maxSurge, `${at}.maxSurge`)];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(fieldErr.invalid(`${at}.maxUnavailable`, goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${at}.maxUnavailable`));
      return errs;
    }
    default:
      return [fieldErr.notSupported(path, goDeploymentStrategy(strategy), ['Recreate', 'RollingUpdate'])];
  }
}

function validateDeploymentSpec(specValue: unknown): FieldError[] {
  const spec = objOrEmpty(specValue);
  const errs = validateNonnegative(asNumber(spec.replicas), 'spec.replicas');
  errs.push(...validateSelector(spec, 'deployment'));
  errs.push(...validateTemplateForSelector(spec, 'ReplicaSet'));
  errs.push(...validateStrategy(spec.strategy));
  errs.push(...validateNonnegative(asNumber(spec.minReadySeconds), 'spec.minReadySeconds'));
  if (isSet(spec.revisionHistoryLimit)) errs.push(...validateNonnegative(asNumber(spec.revisionHistoryLimit), 'spec.revisionHistoryLimit'));
  if (isSet(spec.progressDeadlineSeconds)) {
    const pds = asNumber(spec.progressDeadlineSeconds);
    errs.push(...validateNonnegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= asNumber(spec.minReadySeconds)) errs.push(fieldErr.invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function validateReplicaSetSpec(specValue: unknown): FieldError[] {
  const spec = objOrEmpty(specValue);
  const errs = [...validateNonnegative(asNumber(spec.replicas), 'spec.replicas'), ...validateNonnegative(asNumber(spec.minReadySeconds), 'spec.minReadySeconds')];
  errs.push(...validateSelector(spec, 'deployment'));
  errs.push(...validateTemplateForSelector(spec, 'ReplicaSet'));
  return errs;
}

/** apps/v1 made the selector immutable (registry strategy, not validation.go). */
function selectorImmutable(obj: Obj, old: Obj): FieldError[] {
  const sel = objOrEmpty(obj.spec).selector;
  if (deepEqual(sel, objOrEmpty(old.spec).selector)) return [];
  return [fieldErr.invalid('spec.selector', goLabelSelector(sel), fieldImmutable)];
}

export function validateDeployment(obj: Obj, old?: Obj): FieldError[] {
  if (!old) return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(obj.spec)];
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateDeploymentSpec(obj.spec), ...selectorImmutable(obj, old)];
}

export function validateReplicaSet(obj: Obj, old?: Obj): FieldError[] {
  if (!old) return [...validateObjectMeta(obj.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(obj.spec)];
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateReplicaSetSpec(obj.spec), ...selectorImmutable(obj, old)];
}
