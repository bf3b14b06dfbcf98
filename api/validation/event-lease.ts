/** core/v1 Event and coordination.k8s.io/v1 Lease validation (1.32). */
import { fieldErr, type FieldError } from '../errors.js';
import { isDNS1123Subdomain, isQualifiedName, isValidPathSegmentName, nameIsDNSSubdomain } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { asNumber, asString, isSet, objOrEmpty, type Obj } from './util.js';

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
  // client-go's core/v1 recorders send `eventTime: null`; only a real time selects the new-style rules.
  if (!isSet(ev.eventTime) || asString(ev.eventTime) === '') {
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
