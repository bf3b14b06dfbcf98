/**
 * extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress → networking.k8s.io/v1, as the 1.21
 * API server converted them: backend → defaultBackend, serviceName/servicePort → service.name and
 * port.number (int) or port.name (string), pathType defaulted to ImplementationSpecific. The
 * legacy class annotation stays; v1 validation then judges the result.
 */
import type { KubeObject } from '../types.js';
import { legacyIngressVersions } from '../resources.js';
import { asArray, asObj, clone, isSet, type Obj } from './util.js';

function convertBackend(value: unknown): Obj | undefined {
  const legacy = asObj(value);
  if (!legacy) return undefined;
  const out: Obj = {};
  if (isSet(legacy.resource)) out.resource = legacy.resource;
  if (isSet(legacy.serviceName) || isSet(legacy.servicePort)) {
    const port = legacy.servicePort;
    out.service = {
      name: legacy.serviceName ?? '',
      port: typeof port === 'string' ? { name: port } : isSet(port) ? { number: port } : {},
    };
  }
  return out;
}

function convertRules(rules: unknown): void {
  for (const r of asArray(rules)) {
    for (const p of asArray(asObj(asObj(r)?.http)?.paths)) {
      const path = asObj(p);
      if (!path) continue;
      if (!isSet(path.pathType)) path.pathType = 'ImplementationSpecific';
      const backend = convertBackend(path.backend);
      if (backend) path.backend = backend;
    }
  }
}

export function isLegacyIngress(obj: KubeObject): boolean {
  return obj.kind === 'Ingress' && legacyIngressVersions.includes(obj.apiVersion);
}

/** Returns a converted copy; objects that are not legacy Ingresses come back unchanged (copied). */
export function convertLegacyIngress(obj: KubeObject): KubeObject {
  const out = clone(obj);
  if (!isLegacyIngress(obj)) return out;
  out.apiVersion = 'networking.k8s.io/v1';
  const spec = asObj(out.spec);
  if (spec) {
    if (isSet(spec.backend)) {
      spec.defaultBackend = convertBackend(spec.backend);
      delete spec.backend;
    }
    convertRules(spec.rules);
  }
  return out;
}

function backendToLegacy(value: unknown): Obj | undefined {
  const backend = asObj(value);
  if (!backend) return undefined;
  const out: Obj = {};
  if (isSet(backend.resource)) out.resource = backend.resource;
  const service = asObj(backend.service);
  if (service) {
    out.serviceName = service.name ?? '';
    const port = asObj(service.port) ?? {};
    out.servicePort = isSet(port.name) && port.name !== '' ? port.name : (port.number ?? 0);
  }
  return out;
}

/**
 * networking.k8s.io/v1 → an older version (extensions/v1beta1 or networking.k8s.io/v1beta1), for
 * clients that ask in that version: kubectl apply reads the object back in the manifest's version
 * to compute its patch. The inverse of convertLegacyIngress; pathType stays (v1beta1 has it).
 */
export function ingressToLegacy(obj: KubeObject, apiVersion: string): KubeObject {
  const out = clone(obj);
  out.apiVersion = apiVersion;
  const spec = asObj(out.spec);
  if (spec) {
    if (isSet(spec.defaultBackend)) {
      spec.backend = backendToLegacy(spec.defaultBackend);
      delete spec.defaultBackend;
    }
    for (const r of asArray(spec.rules)) {
      for (const p of asArray(asObj(asObj(r)?.http)?.paths)) {
        const path = asObj(p);
        if (path && isSet(path.backend)) path.backend = backendToLegacy(path.backend);
      }
    }
  }
  return out;
}
