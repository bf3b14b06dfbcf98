/**
 * Builds OpenAPI v3 `components.schemas` for every kind we serve (and everything they reference)
 * from @kubernetes/client-node's models, in the shape upstream's apiserver publishes: property
 * references wrapped as `allOf: [{$ref}]` beside the field's description, zero-value `default`s
 * on required fields, GVK extensions on top-level kinds, and the patch/list extensions of
 * field-extensions.ts. Running this file directly prints the schemas and the time taken.
 */
import { apiVersionOf, resources } from '../resources.js';
import { elementType, loadModel, modelExists, referencedModels, type Model, type ModelProperty } from './client-node-models.js';
import { fieldDescriptions } from './field-descriptions.js';
import { atomicStructs, fieldFacts, quantityFields, type FieldFacts } from './field-extensions.js';
import { builtinSchemaNames, fullSchemaName, modelNameCandidates, shortSchemaName } from './schema-names.js';

export type Schema = Record<string, unknown>;
export type Schemas = Record<string, Schema>;

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

const refPrefix = '#/components/schemas/';

export function ref(schemaName: string): Schema {
  return { $ref: refPrefix + schemaName };
}

/** A served kind (or other top-level type) and the client-node model that describes it. */
export interface RootType {
  gvk: Gvk;
  model: string;
}

function modelFor(gvk: Gvk): string {
  const found = modelNameCandidates(gvk.group, gvk.version, gvk.kind).find(modelExists);
  if (!found) throw new Error(`no client-node model for ${gvk.group}/${gvk.version} ${gvk.kind}`);
  return found;
}

/** Every kind and list kind we serve, plus the cross-group subresource kinds (Scale, Eviction) and Binding. */
export function rootTypes(): RootType[] {
  const gvks: Gvk[] = [];
  const add = (g: Gvk) => {
    if (!gvks.some((x) => x.group === g.group && x.version === g.version && x.kind === g.kind)) gvks.push(g);
  };
  for (const r of resources) {
    add({ group: r.group, version: r.version, kind: r.kind });
    add({ group: r.group, version: r.version, kind: r.listKind });
    for (const s of r.subresources) {
      const gvk = { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind };
      if (modelNameCandidates(gvk.group, gvk.version, gvk.kind).some(modelExists)) add(gvk);
    }
  }
  add({ group: '', version: 'v1', kind: 'Status' });
  add({ group: '', version: 'v1', kind: 'DeleteOptions' });
  return gvks.map((gvk) => ({ gvk, model: modelFor(gvk) }));
}

// ---- scalar and builtin schemas ----

function builtinSchemas(intOrStringDescription: string | undefined): Schemas {
  return {
    [builtinSchemaNames.time]: {
      description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON, as an RFC 3339 timestamp with second precision.',
      type: 'string',
      format: 'date-time',
    },
    [builtinSchemaNames.microTime]: { description: 'MicroTime is version of Time with microsecond level precision.', type: 'string', format: 'date-time' },
    [builtinSchemaNames.fieldsV1]: {
      description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.',
      type: 'object',
    },
    [builtinSchemaNames.patch]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
    [builtinSchemaNames.intOrString]: {
      description: intOrStringDescription ?? 'IntOrString is a type that can hold an int32 or a string.',
      format: 'int-or-string',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    },
    [builtinSchemaNames.quantity]: {
      description:
        'Quantity is a fixed-point representation of a number, serialized as a string such as "500m", "1.5", "128Mi" or "2Gi" (decimal SI suffixes m, k, M, G, T, P, E; binary suffixes Ki, Mi, Gi, Ti, Pi, Ei).',
      oneOf: [{ type: 'string' }, { type: 'number' }],
      'x-kubernetes-int-or-string': true,
    },
    [builtinSchemaNames.rawExtension]: { description: 'RawExtension holds an embedded object of any kind.', type: 'object' },
  };
}

/** Client-node types of `any` fields that are named types upstream. */
const anyFieldSchemas: Record<string, Record<string, string>> = {
  'meta.v1.ManagedFieldsEntry': { fieldsV1: builtinSchemaNames.fieldsV1 },
  'meta.v1.WatchEvent': { object: builtinSchemaNames.rawExtension },
};

interface FieldContext {
  owner: string; // short schema name of the struct holding the field
  field: string;
}

/** The schema of a value of client-node type `type` (no description: that belongs to the field). */
function valueSchema(type: string, format: string, ctx: FieldContext): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: itemSchema(valueSchema(array[1], format, ctx)) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: itemSchema(valueSchema(map[1], format, ctx)) };
  if (quantityFields[ctx.owner]?.includes(ctx.field)) return ref(builtinSchemaNames.quantity);
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number', format: format || 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return ref(builtinSchemaNames.time);
    case 'V1MicroTime':
      return ref(builtinSchemaNames.microTime);
    case 'IntOrString':
      return ref(builtinSchemaNames.intOrString);
    case 'any': {
      const named = anyFieldSchemas[ctx.owner]?.[ctx.field];
      return named ? ref(named) : { type: 'object' };
    }
  }
  return ref(fullSchemaName(shortSchemaName(type)));
}

/** Zero values upstream publishes as `default` for fields Go always serializes. */
function zeroDefault(s: Schema): unknown {
  if (s.$ref) return {};
  switch (s.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
  }
  return undefined;
}

/** Array items and map values: struct elements wrap their $ref in allOf with `default: {}`, strings default to "". */
function itemSchema(s: Schema): Schema {
  if (s.$ref && !isScalarRef(s)) return { default: {}, allOf: [s] };
  const d = s.$ref ? undefined : zeroDefault(s);
  return d === undefined ? s : { ...s, default: d };
}

const scalarRefs = new Set([
  builtinSchemaNames.time,
  builtinSchemaNames.microTime,
  builtinSchemaNames.quantity,
  builtinSchemaNames.intOrString,
  builtinSchemaNames.rawExtension,
  builtinSchemaNames.fieldsV1,
]);

function isScalarRef(s: Schema): boolean {
  return typeof s.$ref === 'string' && scalarRefs.has(s.$ref.slice(refPrefix.length));
}

function applyFacts(s: Schema, facts: FieldFacts | undefined): Schema {
  if (!facts) return s;
  const out: Schema = { ...s };
  if (facts.default !== undefined) out.default = facts.default;
  if (facts.listMapKeys) out['x-kubernetes-list-map-keys'] = facts.listMapKeys;
  if (facts.listType) out['x-kubernetes-list-type'] = facts.listType;
  if (facts.mapType) out['x-kubernetes-map-type'] = facts.mapType;
  if (facts.patchMergeKey) out['x-kubernetes-patch-merge-key'] = facts.patchMergeKey;
  if (facts.patchStrategy) out['x-kubernetes-patch-strategy'] = facts.patchStrategy;
  return out;
}

/** Descriptions client-node drops for referenced fields; these few are on every object. */
const conventionalDescriptions: Record<string, string> = {
  metadata: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  spec: 'Spec defines the desired state of this object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  status: 'Status is the most recently observed state of this object. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
};
const listMetadataDescription = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

function fieldDescription(model: Model, owner: string, p: ModelProperty): string | undefined {
  // client-node repeats IntOrString's type description on every IntOrString field; it says nothing about the field.
  const typeBlurb = p.type === 'IntOrString' && p.description?.startsWith('IntOrString is a type');
  if (p.description && !typeBlurb) return p.description;
  const written = fieldDescriptions[owner]?.[p.jsonName];
  if (written) return written;
  if (p.jsonName === 'metadata' && model.name.endsWith('List')) return listMetadataDescription;
  return conventionalDescriptions[p.jsonName];
}

/**
 * Whether Go serializes the field even when empty (a non-pointer struct), which upstream
 * publishes as `default: {}`. Client-node does not say which fields are pointers; the object
 * envelope fields are always values, and required struct fields are too.
 */
function isValueStruct(model: Model, p: ModelProperty, value: Schema): boolean {
  if (isScalarRef(value)) return false;
  if (p.required) return true;
  const isObjectEnvelope = model.properties.some((x) => x.jsonName === 'apiVersion') && model.properties.some((x) => x.jsonName === 'kind');
  return isObjectEnvelope && ['metadata', 'spec', 'status'].includes(p.jsonName);
}

function propertySchema(model: Model, owner: string, p: ModelProperty): Schema {
  const value = valueSchema(p.type, p.format, { owner, field: p.jsonName });
  const description = fieldDescription(model, owner, p);
  let s: Schema;
  if (value.$ref) {
    // OpenAPI 3.0 ignores siblings of $ref, so upstream wraps field references in allOf.
    s = { ...(description ? { description } : {}), ...(isValueStruct(model, p, value) ? { default: {} } : {}), allOf: [value] };
  } else {
    s = { ...(description ? { description } : {}), ...value };
    const d = p.required ? zeroDefault(value) : undefined;
    if (d !== undefined) s.default = d;
  }
  return applyFacts(s, fieldFacts[owner]?.[p.jsonName]);
}

function modelSchema(model: Model, gvks: Gvk[]): Schema {
  const owner = shortSchemaName(model.name);
  const s: Schema = {};
  if (model.description) s.description = model.description;
  s.type = 'object';
  const required = model.properties.filter((p) => p.required).map((p) => p.jsonName);
  if (required.length) s.required = required;
  s.properties = Object.fromEntries(model.properties.map((p) => [p.jsonName, propertySchema(model, owner, p)]));
  if (gvks.length) s['x-kubernetes-group-version-kind'] = gvks.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
  if (atomicStructs.has(owner)) s['x-kubernetes-map-type'] = 'atomic';
  return s;
}

/** GVKs a model is published under; DeleteOptions is accepted by every group version we serve. */
function gvksOf(root: RootType): Gvk[] {
  if (root.gvk.kind !== 'DeleteOptions') return [root.gvk];
  const gvs = [...new Set(resources.map((r) => apiVersionOf(r)))];
  return gvs.map((gv) => {
    const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
    return { group, version, kind: 'DeleteOptions' };
  });
}

/**
 * All schemas: every root kind and the closure of the models it references, keyed by upstream
 * schema name.
 */
export function generateSchemas(): Schemas {
  const roots = rootTypes();
  const gvksByModel = new Map<string, Gvk[]>();
  for (const r of roots) gvksByModel.set(r.model, gvksOf(r));
  const schemas: Schemas = {};
  const queue = roots.map((r) => r.model);
  const seen = new Set<string>();
  let intOrStringDescription: string | undefined;
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const model = loadModel(name);
    schemas[fullSchemaName(shortSchemaName(name))] = modelSchema(model, gvksByModel.get(name) ?? []);
    for (const p of model.properties) {
      if (elementType(p.type) === 'IntOrString') intOrStringDescription ??= p.description;
      queue.push(...referencedModels(p.type));
    }
  }
  return { ...schemas, ...builtinSchemas(intOrStringDescription) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const schemas = generateSchemas();
  const ms = (performance.now() - started).toFixed(1);
  process.stdout.write(JSON.stringify(schemas, null, 2) + '\n');
  process.stderr.write(`${Object.keys(schemas).length} schemas in ${ms} ms\n`);
}
