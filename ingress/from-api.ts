/**
 * API objects → internal types. Anything malformed becomes `undefined` or is dropped field by
 * field; the compile step reports what it cannot use.
 */
import type { KubeObject } from '../api/types.js';
import type { AuthSecretInfo, BackendRef, IngressClassInfo, IngressInfo, IngressPath, IngressRule, PathType, SecretInfo, ServiceInfo, SliceInfo } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const legacyClassAnnotation = 'kubernetes.io/ingress.class';
export const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';

function backendFromApi(v: unknown): BackendRef | undefined {
  if (!isObj(v)) return undefined;
  if (isObj(v.service)) {
    const name = str(v.service.name);
    const port = isObj(v.service.port) ? v.service.port : {};
    const p = typeof port.number === 'number' && port.number > 0 ? port.number : str(port.name);
    return name && p !== undefined ? { service: name, port: p } : undefined;
  }
  // extensions/v1beta1 shape, in case an old object reaches us unconverted.
  const name = str(v.serviceName);
  const p = typeof v.servicePort === 'number' ? v.servicePort : str(v.servicePort);
  if (name && p !== undefined) return { service: name, port: /^\d+$/.test(String(p)) ? Number(p) : p };
  return undefined;
}

function pathFromApi(v: unknown): IngressPath | undefined {
  if (!isObj(v)) return undefined;
  const t = str(v.pathType) ?? 'ImplementationSpecific';
  const pathType: PathType = t === 'Exact' || t === 'Prefix' ? t : 'ImplementationSpecific';
  return { path: str(v.path) ?? '', pathType, backend: backendFromApi(v.backend) };
}

function ruleFromApi(v: unknown): IngressRule | undefined {
  if (!isObj(v)) return undefined;
  const http = isObj(v.http) ? v.http : {};
  return { host: (str(v.host) ?? '').toLowerCase(), paths: arr(http.paths).map(pathFromApi).filter((p): p is IngressPath => !!p) };
}

export function ingressFromApi(o: KubeObject): IngressInfo | undefined {
  const m = o.metadata;
  if (!m?.name || !m.namespace) return undefined;
  const spec = isObj(o.spec) ? o.spec : {};
  const annotations = m.annotations ?? {};
  return {
    namespace: m.namespace,
    name: m.name,
    uid: m.uid ?? '',
    createdMs: Date.parse(m.creationTimestamp ?? '') || 0,
    className: str(spec.ingressClassName),
    legacyClass: annotations[legacyClassAnnotation],
    annotations,
    defaultBackend: backendFromApi(spec.defaultBackend ?? spec.backend),
    rules: arr(spec.rules).map(ruleFromApi).filter((r): r is IngressRule => !!r),
    tls: arr(spec.tls).filter(isObj).map((t) => ({ hosts: arr(t.hosts).filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase()), secretName: str(t.secretName) ?? '' })),
  };
}

export function ingressClassFromApi(o: KubeObject): IngressClassInfo | undefined {
  const name = o.metadata?.name;
  const spec = isObj(o.spec) ? o.spec : {};
  if (!name) return undefined;
  return { name, controller: str(spec.controller) ?? '', isDefault: o.metadata.annotations?.[defaultClassAnnotation] === 'true' };
}

export function serviceFromApi(o: KubeObject): ServiceInfo | undefined {
  const m = o.metadata;
  if (!m?.name || !m.namespace) return undefined;
  const spec = isObj(o.spec) ? o.spec : {};
  const ports = arr(spec.ports)
    .filter(isObj)
    .map((p) => ({
      name: str(p.name) ?? '',
      port: typeof p.port === 'number' ? p.port : 0,
      targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : typeof p.port === 'number' ? p.port : 0,
      protocol: str(p.protocol) ?? 'TCP',
    }));
  return { namespace: m.namespace, name: m.name, ports };
}

export function sliceFromApi(o: KubeObject): SliceInfo | undefined {
  const m = o.metadata;
  const service = m?.labels?.['kubernetes.io/service-name'];
  if (!m?.name || !m.namespace || !service) return undefined;
  if (o.addressType === 'FQDN') return undefined;
  const ports = arr(o.ports)
    .filter(isObj)
    .map((p) => ({ name: str(p.name) ?? '', port: typeof p.port === 'number' ? p.port : 0, protocol: str(p.protocol) ?? 'TCP' }));
  const endpoints = arr(o.endpoints)
    .filter(isObj)
    .map((e) => {
      const c = isObj(e.conditions) ? e.conditions : {};
      // discovery/v1: a missing `ready` means ready.
      return { addresses: arr(e.addresses).filter((a): a is string => typeof a === 'string'), ready: c.ready !== false };
    });
  return { namespace: m.namespace, name: m.name, service, ports, endpoints };
}

export function secretFromApi(o: KubeObject): SecretInfo | undefined {
  const m = o.metadata;
  if (!m?.name || !m.namespace) return undefined;
  const data = isObj(o.data) ? o.data : {};
  const crt = str(data['tls.crt']);
  const key = str(data['tls.key']);
  if (!crt || !key) return undefined;
  return { namespace: m.namespace, name: m.name, cert: Buffer.from(crt, 'base64').toString('utf8'), key: Buffer.from(key, 'base64').toString('utf8') };
}

/** An Opaque Secret's `auth` key (htpasswd lines for auth-type basic); others are not kept. */
export function authSecretFromApi(o: KubeObject): AuthSecretInfo | undefined {
  const m = o.metadata;
  if (!m?.name || !m.namespace) return undefined;
  const auth = isObj(o.data) ? str(o.data.auth) : undefined;
  if (!auth) return undefined;
  return { namespace: m.namespace, name: m.name, auth: Buffer.from(auth, 'base64').toString('utf8') };
}

/**
 * An informer transform that keeps a Secret's identity, type and only the named data keys, so
 * the controller's Secret caches do not hold everything else stored in the cluster's Secrets.
 */
export function secretKeysOnly(...keys: string[]): { name: string; apply: (o: KubeObject) => KubeObject } {
  return {
    name: `secret-keys:${keys.join(',')}`,
    apply: (o) => {
      const m = o.metadata ?? {};
      const data = isObj(o.data) ? o.data : {};
      const kept: Record<string, unknown> = {};
      for (const k of keys) if (k in data) kept[k] = data[k];
      return { apiVersion: o.apiVersion, kind: o.kind, type: o.type, metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion }, data: kept } as KubeObject;
    },
  };
}
