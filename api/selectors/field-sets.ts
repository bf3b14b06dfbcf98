/**
 * Which field selector labels each kind accepts, and the values its objects expose for them, as
 * kube-apiserver 1.32 registers them: the field label conversion funcs (pkg/apis/core/v1/conversion.go)
 * decide what is accepted and with which error; the registries' GetAttrs/ToSelectableFields decide
 * the values. A label that is accepted but absent from the value set compares as "".
 */
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { isPlainObject } from '../types.js';

export interface FieldLabelRules {
  /** Maps an accepted label to the label matched against (pods still take the old `spec.host`); throws the apiserver's text otherwise. */
  convert(label: string): string;
  /** The selectable fields of one object. */
  fieldsOf(obj: KubeObject): Record<string, string>;
}

/** runtime.DefaultMetaV1FieldSelectorConversion, used by every kind without its own conversion func. */
function defaultConvert(label: string): string {
  if (label === 'metadata.name' || label === 'metadata.namespace') return label;
  throw new Error(`${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

function listConvert(allowed: readonly string[], aliases: Record<string, string> = {}): (label: string) => string {
  return (label) => {
    if (allowed.includes(label)) return label;
    if (label in aliases) return aliases[label];
    throw new Error(`field label not supported: ${label}`);
  };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = isPlainObject(cur) ? cur[p] : undefined;
  return cur;
}

/** generic.ObjectMetaFieldsSet: the namespace only for namespaced kinds. */
function metaFields(obj: KubeObject, namespaced: boolean): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': str(obj.metadata?.name) };
  if (namespaced) out['metadata.namespace'] = str(obj.metadata?.namespace);
  return out;
}

function podFields(pod: KubeObject): Record<string, string> {
  const podIPs = at(pod, 'status', 'podIPs');
  const firstIP = Array.isArray(podIPs) && podIPs.length ? str(at(podIPs[0], 'ip')) : str(at(pod, 'status', 'podIP'));
  return {
    'spec.nodeName': str(at(pod, 'spec', 'nodeName')),
    'spec.restartPolicy': str(at(pod, 'spec', 'restartPolicy')),
    'spec.schedulerName': str(at(pod, 'spec', 'schedulerName')),
    'spec.serviceAccountName': str(at(pod, 'spec', 'serviceAccountName')),
    'spec.hostNetwork': String(at(pod, 'spec', 'hostNetwork') === true),
    'status.phase': str(at(pod, 'status', 'phase')),
    'status.podIP': firstIP,
    'status.nominatedNodeName': str(at(pod, 'status', 'nominatedNodeName')),
  };
}

function eventFields(ev: KubeObject): Record<string, string> {
  const involved = (f: string) => str(at(ev, 'involvedObject', f));
  const reporting = str(ev.reportingComponent);
  return {
    'involvedObject.kind': involved('kind'),
    'involvedObject.namespace': involved('namespace'),
    'involvedObject.name': involved('name'),
    'involvedObject.uid': involved('uid'),
    'involvedObject.apiVersion': involved('apiVersion'),
    'involvedObject.resourceVersion': involved('resourceVersion'),
    'involvedObject.fieldPath': involved('fieldPath'),
    reason: str(ev.reason),
    reportingComponent: reporting,
    source: str(at(ev, 'source', 'component')) || reporting,
    type: str(ev.type),
  };
}

type KindSpecific = { convert: (label: string) => string; fields: (obj: KubeObject) => Record<string, string> };

/** Keyed by `<resource>.<group>`; kinds not listed use the default conversion and metadata fields only. */
const kindSpecific: Record<string, KindSpecific> = {
  pods: {
    convert: listConvert(
      ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
      { 'spec.host': 'spec.nodeName' },
    ),
    fields: podFields,
  },
  events: {
    convert: listConvert([
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
      'metadata.namespace',
      'metadata.name',
    ]),
    fields: eventFields,
  },
  // Nodes accept no metadata.namespace: their conversion func lists only these two.
  nodes: { convert: listConvert(['metadata.name', 'spec.unschedulable']), fields: (n) => ({ 'spec.unschedulable': String(at(n, 'spec', 'unschedulable') === true) }) },
  namespaces: { convert: listConvert(['status.phase', 'metadata.name']), fields: (ns) => ({ 'status.phase': str(at(ns, 'status', 'phase')) }) },
  secrets: { convert: listConvert(['type', 'metadata.namespace', 'metadata.name']), fields: (s) => ({ type: str(s.type) }) },
  services: {
    convert: listConvert(['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type']),
    fields: (s) => ({ 'spec.clusterIP': str(at(s, 'spec', 'clusterIP')), 'spec.type': str(at(s, 'spec', 'type')) }),
  },
  // apps/v1 registers no conversion func, so 1.32 rejects status.replicas (kubernetes#135136) although the registry exposes it.
  'replicasets.apps': { convert: defaultConvert, fields: (rs) => ({ 'status.replicas': String(Number(at(rs, 'status', 'replicas') ?? 0)) }) },
};

export function fieldLabelRules(info: ResourceInfo): FieldLabelRules {
  const specific = kindSpecific[info.group ? `${info.resource}.${info.group}` : info.resource];
  return {
    convert: specific?.convert ?? defaultConvert,
    fieldsOf: (obj) => ({ ...(specific?.fields(obj) ?? {}), ...metaFields(obj, info.namespaced) }),
  };
}
