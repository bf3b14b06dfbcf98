/** Ingress and IngressClass validation (networking/validation for networking.k8s.io/v1, 1.32). */
import { fieldErr, GoRepr, type FieldError } from '../errors.js';
import {
  isDNS1123Subdomain,
  regexError,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from './names.js';
import { looksLikeIP } from './net.js';
import { fieldImmutable, validateObjectMeta, validateObjectMetaUpdate } from './objectmeta.js';
import { asArray, asNumber, asObj, asString, isSet, objOrEmpty, type Obj } from './util.js';

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${httpPathFmt}$`);
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

function validateTypedLocalObjectReference(refValue: unknown, path: string): FieldError[] {
  const ref = asObj(refValue);
  if (!ref) return [];
  const errs: FieldError[] = [];
  if (isSet(ref.apiGroup)) {
    const g = asString(ref.apiGroup);
    errs.push(...isDNS1123Subdomain(g).map((m) => fieldErr.invalid(`${path}.apiGroup`, g, m)));
  }
  for (const f of ['kind', 'name']) {
    const v = asString(ref[f]);
    if (!v) errs.push(fieldErr.required(`${path}.${f}`, `${f} is required`));
    else errs.push(...isValidPathSegmentName(v).map((m) => fieldErr.invalid(`${path}.${f}`, v, m)));
  }
  return errs;
}

function validateServiceBackend(service: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(service.name);
  if (!name) errs.push(fieldErr.required(`${path}.service.name`));
  else errs.push(...nameIsDNS1035Label(name, false).map((m) => fieldErr.invalid(`${path}.service.name`, name, m)));
  const port = objOrEmpty(service.port);
  const portName = asString(port.name);
  const portNumber = asNumber(port.number);
  if (portName && portNumber !== 0) errs.push(fieldErr.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...isValidPortName(portName).map((m) => fieldErr.invalid(`${path}.service.port.name`, portName, m)));
  else if (portNumber !== 0) errs.push(...isValidPortNum(portNumber).map((m) => fieldErr.invalid(`${path}.service.port.number`, portNumber, m)));
  else errs.push(fieldErr.required(path, 'port name or number is required'));
  return errs;
}

/** A backend is exactly one of a Service (name and port) or a typed resource. */
export function validateIngressBackend(backendValue: unknown, path: string): FieldError[] {
  const backend = objOrEmpty(backendValue);
  const resource = isSet(backend.resource);
  const service = asObj(backend.service);
  if (resource && service) return [fieldErr.invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) return validateTypedLocalObjectReference(backend.resource, `${path}.resource`);
  if (service) return validateServiceBackend(service, path);
  return [fieldErr.invalid(path, '', 'resource or service backend is required')];
}

function validateHTTPPath(p: Obj, path: string): FieldError[] {
  if (!isSet(p.pathType)) return [fieldErr.required(`${path}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const pathType = asString(p.pathType);
  const value = asString(p.path);
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(fieldErr.invalid(`${path}.path`, value, 'must be an absolute path'));
    if (value) {
      for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(fieldErr.invalid(`${path}.path`, value, `must not contain '${seq}'`));
      for (const suf of invalidPathSuffixes) if (value.endsWith(suf)) errs.push(fieldErr.invalid(`${path}.path`, value, `cannot end with '${suf}'`));
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/')) errs.push(fieldErr.invalid(`${path}.path`, value, 'must be an absolute path'));
  } else {
    errs.push(fieldErr.notSupported(`${path}.pathType`, pathType, pathTypes));
  }
  errs.push(...validateIngressBackend(p.backend, `${path}.backend`));
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (looksLikeIP(host)) errs.push(fieldErr.invalid(path, host, 'must be a DNS name, not an IP address'));
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  errs.push(...msgs.map((m) => fieldErr.invalid(path, host, m)));
  return errs;
}

function validateRules(rules: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    const host = asString(rule.host);
    if (host) errs.push(...validateHost(host, `${at}.host`));
    const http = asObj(rule.http);
    if (!http) return;
    const paths = asArray(http.paths).map(objOrEmpty);
    if (paths.length === 0) errs.push(fieldErr.required(`${at}.http.paths`));
    paths.forEach((p, j) => errs.push(...validateHTTPPath(p, `${at}.http.paths[${j}]`)));
  });
  return errs;
}

function validateTLS(tls: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((entry, i) => {
    asArray(entry.hosts).forEach((h, j) => {
      const host = asString(h);
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...msgs.map((m) => fieldErr.invalid(`spec.tls[${i}].hosts[${j}]`, host, m)));
    });
    const secretName = asString(entry.secretName);
    if (secretName) errs.push(...nameIsDNSSubdomain(secretName, false).map((m) => fieldErr.invalid(`spec.tls[${i}].secretName`, secretName, m)));
  });
  return errs;
}

function validateIngressSpec(specValue: unknown): FieldError[] {
  const spec = objOrEmpty(specValue);
  const ruleList = asArray(spec.rules).map(objOrEmpty);
  const errs: FieldError[] = [];
  if (ruleList.length === 0 && !isSet(spec.defaultBackend)) {
    // Upstream shows the (empty) rules slice as Go prints it.
    const rules = Array.isArray(spec.rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)';
    errs.push(fieldErr.invalid('spec', new GoRepr(rules), 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isSet(spec.defaultBackend)) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  errs.push(...validateRules(ruleList));
  errs.push(...validateTLS(asArray(spec.tls).map(objOrEmpty)));
  if (isSet(spec.ingressClassName)) {
    const cls = asString(spec.ingressClassName);
    errs.push(...nameIsDNSSubdomain(cls, false).map((m) => fieldErr.invalid('spec.ingressClassName', cls, m)));
  }
  return errs;
}

export function validateIngress(ing: Obj, old?: Obj): FieldError[] {
  const meta = objOrEmpty(ing.metadata);
  if (old) return [...validateObjectMetaUpdate(meta, old.metadata), ...validateObjectMeta(meta, true, nameIsDNSSubdomain), ...validateIngressSpec(ing.spec)];
  const errs = [...validateObjectMeta(meta, true, nameIsDNSSubdomain), ...validateIngressSpec(ing.spec)];
  const annotations = objOrEmpty(meta.annotations);
  const classAnnotation = 'kubernetes.io/ingress.class';
  const className = objOrEmpty(ing.spec).ingressClassName;
  // Both may be set since 1.27 as long as they name the same class.
  if (classAnnotation in annotations && isSet(className) && asString(annotations[classAnnotation]) !== asString(className)) {
    errs.push(fieldErr.invalid(`annotations.${classAnnotation}`, asString(annotations[classAnnotation]), 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

function validateParameters(paramsValue: unknown, path: string): FieldError[] {
  const params = asObj(paramsValue);
  if (!params) return [];
  const errs = validateTypedLocalObjectReference(params, path);
  if (!isSet(params.scope)) return [...errs, fieldErr.required(`${path}.scope`)];
  const scope = asString(params.scope);
  if (scope !== 'Cluster' && scope !== 'Namespace') return [...errs, fieldErr.notSupported(`${path}.scope`, scope, ['Cluster', 'Namespace'])];
  if (scope === 'Namespace') {
    if (!isSet(params.namespace)) errs.push(fieldErr.required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else {
      const ns = asString(params.namespace);
      errs.push(...nameIsDNSLabel(ns, false).map((m) => fieldErr.invalid(`${path}.namespace`, ns, m)));
    }
  }
  if (scope === 'Cluster' && isSet(params.namespace)) errs.push(fieldErr.forbidden(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

/** A domain-prefixed path such as "k8s.io/ingress-nginx" (IngressClass controllers). */
function validateDomainPrefixedPath(path: string, value: string): FieldError[] {
  if (!value) return [fieldErr.required(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? '' : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (!host || !rest) return [fieldErr.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => fieldErr.invalid(path, host, m));
  if (!httpPathRe.test(rest)) errs.push(fieldErr.invalid(path, rest, regexError('Invalid path', httpPathFmt)));
  return errs;
}

function validateIngressClassSpec(specValue: unknown): FieldError[] {
  const spec = objOrEmpty(specValue);
  const controller = asString(spec.controller);
  const errs: FieldError[] = [];
  if (controller.length > 250) errs.push(fieldErr.tooLong('spec.controller', controller, 250));
  errs.push(...validateDomainPrefixedPath('spec.controller', controller));
  errs.push(...validateParameters(spec.parameters, 'spec.parameters'));
  return errs;
}

export function validateIngressClass(cls: Obj, old?: Obj): FieldError[] {
  const own = [...validateObjectMeta(cls.metadata, false, nameIsDNSSubdomain), ...validateIngressClassSpec(cls.spec)];
  if (!old) return own;
  const controller = asString(objOrEmpty(cls.spec).controller);
  const oldController = asString(objOrEmpty(old.spec).controller);
  const immutable = controller === oldController ? [] : [fieldErr.invalid('spec.controller', controller, fieldImmutable)];
  return [...validateObjectMetaUpdate(cls.metadata, old.metadata), ...immutable, ...own];
}
