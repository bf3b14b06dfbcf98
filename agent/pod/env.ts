/**
 * A container's environment as the kubelet builds it: service link variables (the `kubernetes`
 * Service's always, the namespace's other Services when enableServiceLinks), then envFrom, then
 * `env` in order with `$(VAR)` expansion against what came before, downward-API fieldRefs and
 * ConfigMap/Secret keys. Pure: ConfigMaps and Secrets are looked up beforehand (refsOf).
 */
import { SvcnetError } from '../../common/errors.js';
import type { ContainerSpec, EnvVarSource, Pod, Service } from './types.js';

export interface EnvInputs {
  pod: Pod;
  container: ContainerSpec;
  hostname: string;
  podIP: string;
  hostIP: string;
  /** Services of the pod's namespace (for service links). */
  services: Service[];
  /** default/kubernetes, whose variables every pod gets. */
  masterService?: Service;
  /** name → data (already base64-decoded for Secrets); undefined = not found. */
  configMaps: Map<string, Record<string, string> | undefined>;
  secrets: Map<string, Record<string, string> | undefined>;
}

export type Env = [string, string][];

/** Which ConfigMaps and Secrets the container's env refers to. */
export function refsOf(container: ContainerSpec): { configMaps: string[]; secrets: string[] } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const e of container.env ?? []) {
    if (e.valueFrom?.configMapKeyRef) configMaps.add(e.valueFrom.configMapKeyRef.name);
    if (e.valueFrom?.secretKeyRef) secrets.add(e.valueFrom.secretKeyRef.name);
  }
  for (const f of container.envFrom ?? []) {
    if (f.configMapRef) configMaps.add(f.configMapRef.name);
    if (f.secretRef) secrets.add(f.secretRef.name);
  }
  return { configMaps: [...configMaps], secrets: [...secrets] };
}

function envName(serviceName: string): string {
  return serviceName.toUpperCase().replace(/-/g, '_');
}

/** Docker-links style variables for one Service (kubelet's envvars.FromServices). */
export function serviceLinkEnv(svc: Service): Env {
  const ip = svc.spec?.clusterIP;
  const ports = svc.spec?.ports ?? [];
  if (!ip || ip === 'None' || ports.length === 0) return [];
  const prefix = envName(svc.metadata.name ?? '');
  const out: Env = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(ports[0].port)],
  ];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  const first = ports[0];
  out.push([`${prefix}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`]);
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const base = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([base, `${proto}://${ip}:${p.port}`], [`${base}_PROTO`, proto], [`${base}_PORT`, String(p.port)], [`${base}_ADDR`, ip]);
  }
  return out;
}

/** Replaces `$(NAME)` with earlier values; `$$(` stays a literal `$(`; unknown names stay as written. */
export function expandVars(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return lookup(name!) ?? m;
  });
}

function fieldValue(path: string, i: EnvInputs): string {
  const meta = i.pod.metadata;
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (label[1] === 'labels' ? meta.labels : meta.annotations)?.[label[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return i.pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return i.pod.spec.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return i.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return i.hostIP;
    default:
      throw new SvcnetError('CreateContainerConfigError', `unsupported fieldRef ${path}`);
  }
}

function refValue(src: EnvVarSource, i: EnvInputs): string | undefined {
  if (src.fieldRef) return fieldValue(src.fieldRef.fieldPath, i);
  const ref = src.configMapKeyRef ?? src.secretKeyRef;
  if (ref) {
    const kind = src.configMapKeyRef ? 'configmap' : 'secret';
    const data = (src.configMapKeyRef ? i.configMaps : i.secrets).get(ref.name);
    if (!data) {
      if (ref.optional) return undefined;
      throw new SvcnetError('CreateContainerConfigError', `${kind} "${ref.name}" not found`);
    }
    if (!(ref.key in data)) {
      if (ref.optional) return undefined;
      throw new SvcnetError('CreateContainerConfigError', `couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${i.pod.metadata.namespace}/${ref.name}`);
    }
    return data[ref.key];
  }
  // resourceFieldRef: svcnet sets no limits, so requests/limits read as 0 (the node's values are not meaningful here).
  if (src.resourceFieldRef) return '0';
  return '';
}

/** The full environment, in the order the kubelet produces (later entries win on duplicates). */
export function buildContainerEnv(i: EnvInputs): Env {
  const vars = new Map<string, string>();
  const set = (k: string, v: string) => {
    vars.delete(k);
    vars.set(k, v);
  };
  if (i.pod.spec.enableServiceLinks !== false) {
    const others = i.services.filter((s) => !(s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes'));
    for (const s of [...others].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) for (const [k, v] of serviceLinkEnv(s)) set(k, v);
  }
  if (i.masterService) for (const [k, v] of serviceLinkEnv(i.masterService)) set(k, v);
  for (const f of i.container.envFrom ?? []) {
    const ref = f.configMapRef ?? f.secretRef;
    if (!ref) continue;
    const data = (f.configMapRef ? i.configMaps : i.secrets).get(ref.name);
    if (!data && !ref.optional) throw new SvcnetError('CreateContainerConfigError', `${f.configMapRef ? 'configmap' : 'secret'} "${ref.name}" not found`);
    for (const [k, v] of Object.entries(data ?? {})) set(`${f.prefix ?? ''}${k}`, v);
  }
  for (const e of i.container.env ?? []) {
    if (e.valueFrom) {
      const v = refValue(e.valueFrom, i);
      if (v !== undefined) set(e.name, v);
    } else set(e.name, expandVars(e.value ?? '', (n) => vars.get(n)));
  }
  // HOSTNAME comes from the runtime in a real container, before anything the pod sets.
  return [['HOSTNAME', i.hostname], ...[...vars].filter(([k]) => k !== 'HOSTNAME'), ...(vars.has('HOSTNAME') ? [['HOSTNAME', vars.get('HOSTNAME')!] as [string, string]] : [])];
}

/** command/args after `$(VAR)` expansion against the container's environment. */
export function expandCommand(words: string[], env: Env): string[] {
  const map = new Map(env);
  return words.map((w) => expandVars(w, (n) => map.get(n)));
}
