/**
 * Patch metadata of the built-in kinds, from the k8s.io/api v0.32 struct tags: the strategic merge
 * patch strategy and merge key (`patchStrategy`/`patchMergeKey`) and the server-side apply list and
 * map types (`+listType`, `+listMapKey`, `+mapType`/`+structType=atomic`). Only fields whose
 * treatment differs from the defaults are listed: objects merge key by key, lists are replaced
 * (SMP) or atomic (SSA).
 */

export interface FieldMeta {
  /** SMP patchStrategy; lists without one are replaced wholesale. */
  readonly strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  readonly mergeKey?: string;
  /** SSA list type; absent means atomic. */
  readonly listType?: 'map' | 'set' | 'atomic';
  readonly listKeys?: readonly string[];
  /** Server defaults of key fields (protocol TCP), which SSA uses when an item omits them. */
  readonly keyDefaults?: Readonly<Record<string, string>>;
  /** SSA: the whole value is owned as one field. */
  readonly atomic?: boolean;
  /** A map[string]X: its entries are members in SSA field sets (vs. struct fields). */
  readonly map?: boolean;
  readonly fields?: StructMeta;
  /** Metadata of the list's elements. */
  readonly items?: FieldMeta;
}

export type StructMeta = Readonly<Record<string, FieldMeta>>;

const atomic: FieldMeta = { atomic: true };
const stringMap: FieldMeta = { map: true };

/** A `patchStrategy:"merge"` list of objects keyed for SMP by `mergeKey` and for SSA by `listKeys`. */
function keyedList(mergeKey: string, items: FieldMeta = {}, extra: Partial<FieldMeta> = {}): FieldMeta {
  return { strategy: 'merge', mergeKey, listType: 'map', listKeys: [mergeKey], items, ...extra };
}

/** A `patchStrategy:"merge"` list of scalars (a set in SSA). */
const scalarSet: FieldMeta = { strategy: 'merge', listType: 'set' };

const conditions = keyedList('type');

const objectMeta: FieldMeta = {
  fields: {
    labels: stringMap,
    annotations: stringMap,
    ownerReferences: keyedList('uid', atomic),
    finalizers: scalarSet,
  },
};

const envVar: FieldMeta = {
  fields: { valueFrom: { fields: { configMapKeyRef: atomic, secretKeyRef: atomic, fieldRef: atomic, resourceFieldRef: atomic } } },
};

const container: FieldMeta = {
  fields: {
    ports: keyedList('containerPort', {}, { listKeys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
    env: keyedList('name', envVar),
    volumeMounts: keyedList('mountPath'),
    volumeDevices: keyedList('devicePath'),
    resources: { fields: { limits: stringMap, requests: stringMap, claims: { listType: 'map', listKeys: ['name'] } } },
  },
};

const podSpec: FieldMeta = {
  fields: {
    volumes: keyedList('name', {}, { strategy: 'merge,retainKeys' }),
    initContainers: keyedList('name', container),
    containers: keyedList('name', container),
    ephemeralContainers: keyedList('name', container),
    imagePullSecrets: keyedList('name', atomic),
    hostAliases: keyedList('ip'),
    topologySpreadConstraints: keyedList('topologyKey', {}, { listKeys: ['topologyKey', 'whenUnsatisfiable'] }),
    schedulingGates: keyedList('name'),
    resourceClaims: keyedList('name', {}, { strategy: 'merge,retainKeys' }),
    nodeSelector: { map: true, atomic: true },
  },
};

const podStatus: FieldMeta = {
  fields: {
    conditions,
    podIPs: keyedList('ip'),
    // SMP merges hostIPs by ip, but SSA treats the list as atomic.
    hostIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    resourceClaimStatuses: keyedList('name', {}, { strategy: 'merge,retainKeys' }),
  },
};

const podTemplate: FieldMeta = { fields: { metadata: objectMeta, spec: podSpec } };

const workloadSpec = (extra: StructMeta = {}): FieldMeta => ({ fields: { selector: atomic, template: podTemplate, ...extra } });
const withConditions: FieldMeta = { fields: { conditions } };

const servicePorts = keyedList('port', {}, { listKeys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } });

/** Root metadata per Kind; `metadata` is the same everywhere. */
const kinds: Readonly<Record<string, StructMeta>> = {
  Pod: { spec: podSpec, status: podStatus },
  Service: { spec: { fields: { ports: servicePorts, selector: { map: true, atomic: true } } }, status: withConditions },
  Node: {
    spec: { fields: { podCIDRs: scalarSet } },
    status: { fields: { conditions, addresses: keyedList('type'), capacity: stringMap, allocatable: stringMap } },
  },
  Namespace: { status: withConditions },
  Deployment: { spec: workloadSpec({ strategy: { strategy: 'retainKeys' } }), status: withConditions },
  ReplicaSet: { spec: workloadSpec(), status: withConditions },
  ServiceAccount: { secrets: keyedList('name') },
  ConfigMap: { data: stringMap, binaryData: stringMap },
  Secret: { data: stringMap, stringData: stringMap },
  Event: { involvedObject: atomic, related: atomic },
};

/** The metadata tree for a Kind; unknown kinds get only ObjectMeta's. */
export function schemaForKind(kind: string): FieldMeta {
  return { fields: { metadata: objectMeta, ...(kinds[kind] ?? {}) } };
}

/** The metadata of field `name` inside a struct or map described by `meta`. */
export function fieldMeta(meta: FieldMeta | undefined, name: string): FieldMeta | undefined {
  return meta?.fields?.[name];
}

/** SMP's view of a strategy: "merge", or "" (replace); retainKeys is handled by the directive itself. */
export function smpListStrategy(meta: FieldMeta | undefined): 'merge' | '' {
  return meta?.strategy === 'merge' || meta?.strategy === 'merge,retainKeys' ? 'merge' : '';
}
