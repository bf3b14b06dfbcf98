/**
 * Unknown-field detection for fieldValidation=Strict/Warn, reporting paths the way the
 * apiserver's strict JSON decoder (sigs.k8s.io/json) does: object keys joined with '.', list
 * elements as `[i]`, in document order — `spec.foo`, `spec.ports[0].bar`, `metadata.labels` is a
 * map so any key is fine. Messages are built by the caller: `unknown field "spec.foo"`.
 */
import { isPlainObject } from '../types.js';
import { componentSchemas, schemaNameOfKind } from './documents.js';
import type { Schema, Schemas } from './generate-schemas.js';

const refPrefix = '#/components/schemas/';

/** Follows `$ref` and single-element `allOf` wrappers to the schema that says what the value is. */
function resolve(schema: Schema, schemas: Schemas): Schema {
  let s = schema;
  for (let hops = 0; hops < 8; hops++) {
    if (typeof s.$ref === 'string') s = schemas[s.$ref.slice(refPrefix.length)] ?? {};
    else if (Array.isArray(s.allOf) && s.allOf.length === 1 && !s.properties) s = s.allOf[0] as Schema;
    else break;
  }
  return s;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function walk(schema: Schema, value: unknown, path: string, schemas: Schemas, out: string[]): void {
  if (value === null || value === undefined) return;
  const s = resolve(schema, schemas);
  const properties = s.properties as Record<string, Schema> | undefined;
  if (properties) {
    if (!isPlainObject(value)) return; // a type error, not an unknown field
    for (const [key, v] of Object.entries(value)) {
      if (Object.hasOwn(properties, key)) walk(properties[key], v, join(path, key), schemas, out);
      else out.push(join(path, key));
    }
    return;
  }
  if (s.items && Array.isArray(value)) {
    value.forEach((v, i) => walk(s.items as Schema, v, `${path}[${i}]`, schemas, out));
    return;
  }
  if (isPlainObject(s.additionalProperties) && isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) walk(s.additionalProperties, v, join(path, key), schemas, out);
  }
  // Anything else (scalars, int-or-string, free-form objects such as FieldsV1) accepts any content.
}

/**
 * Paths of fields in `obj` that the kind's schema does not know, e.g. ['spec.foo',
 * 'spec.ports[0].bar']. A kind without a schema (not served) reports nothing.
 */
export function findUnknownFields(apiVersion: string, kind: string, obj: unknown): string[] {
  const name = schemaNameOfKind(apiVersion, kind);
  if (!name) return [];
  const schemas = componentSchemas();
  const out: string[] = [];
  walk({ $ref: refPrefix + name }, obj, '', schemas, out);
  // The strict decoder reports each distinct message once.
  return [...new Set(out)];
}

/** One strict decoding complaint, also the text of each `Warning` header under fieldValidation=Warn. */
export function unknownFieldText(path: string): string {
  return `unknown field ${JSON.stringify(path)}`;
}

/**
 * The BadRequest message for fieldValidation=Strict, as the apiserver's transformDecodeError
 * words it (the version without its group):
 * `Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo", unknown field "spec.ports[0].bar"`.
 */
export function strictDecodingMessage(apiVersion: string, kind: string, unknownPaths: string[]): string {
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: strict decoding error: ${unknownPaths.map(unknownFieldText).join(', ')}`;
}
