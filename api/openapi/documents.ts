/**
 * The OpenAPI v3 discovery index (GET /openapi/v3) and one document per served group-version
 * (GET /openapi/v3/api/v1, /openapi/v3/apis/apps/v1, …). Built on first use and kept in memory:
 * generating all schemas reads a few hundred client-node model files (tens of milliseconds), which
 * server start should not pay for.
 */
import { createHash } from 'node:crypto';
import { aliasResources, apiVersionOf, groupVersions, resources } from '../resources.js';
import { generateSchemas, rootTypes, type Schema, type Schemas } from './generate-schemas.js';
import { gvkKey, resourcePaths, type KindSchemas } from './paths.js';
import { upstreamSchemaName } from './schema-names.js';

/** The Kubernetes version the documents claim, as upstream puts it in `info.version`. */
const kubernetesVersion = 'v1.32.0';

interface Built {
  schemas: Schemas;
  kinds: KindSchemas;
  documents: Map<string, Schema>;
  index: Schema;
}

let built: Built | undefined;

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise, as the index keys them. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const refPrefix = '#/components/schemas/';

/** Names of all schemas `root` references, directly or through other schemas. */
function referencedSchemas(root: unknown, schemas: Schemas): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(refPrefix)) {
        const name = value.slice(refPrefix.length);
        if (!found.has(name) && schemas[name]) {
          found.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(root);
  return [...found].sort();
}

function buildDocument(group: string, version: string, schemas: Schemas, kinds: KindSchemas): Schema {
  const paths: Record<string, Schema> = {};
  for (const r of resources.filter((x) => x.group === group && x.version === version)) Object.assign(paths, resourcePaths(r, kinds));
  const components = Object.fromEntries(referencedSchemas(paths, schemas).map((name) => [name, schemas[name]]));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: kubernetesVersion }, paths, components: { schemas: components } };
}

/** Upstream's hash is a SHA-512 of the document, in upper-case hex; clients only compare it. */
function documentHash(doc: Schema): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

function build(): Built {
  const schemas = generateSchemas();
  const kinds: KindSchemas = new Map(rootTypes().map((r) => [gvkKey(r.gvk), upstreamSchemaName(r.model)]));
  const documents = new Map<string, Schema>();
  const indexPaths: Record<string, Schema> = {};
  for (const { group, version } of groupVersions()) {
    const path = groupVersionPath(group, version);
    const doc = buildDocument(group, version, schemas, kinds);
    documents.set(path, doc);
    indexPaths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(doc)}` };
  }
  for (const alias of aliasResources) {
    const path = groupVersionPath(alias.group, alias.version);
    const doc = aliasDocument(alias.group, alias.version, alias.kind, alias.resource);
    documents.set(path, doc);
    indexPaths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${documentHash(doc)}` };
  }
  return { schemas, kinds, documents, index: { paths: indexPaths } };
}

/**
 * An old version served only by conversion (extensions/v1beta1 Ingress): just the PATCH operation
 * kubectl's validator looks for, so `kubectl apply` of an old manifest sends fieldValidation and
 * leaves validation to the server (which validates the converted v1 object). No schemas: client-node
 * has no models for these versions, and `kubectl explain` uses the preferred version anyway.
 */
function aliasDocument(group: string, version: string, kind: string, resource: string): Schema {
  const apiVersion = apiVersionOf({ group, version });
  const path = `/apis/${apiVersion}/namespaces/{namespace}/${resource}/{name}`;
  const patch = {
    operationId: `patch${group === 'extensions' ? 'Extensions' : 'Networking'}${version[0].toUpperCase()}${version.slice(1)}Namespaced${kind}`,
    parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group, kind, version },
  };
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: kubernetesVersion }, paths: { [path]: { patch } }, components: { schemas: {} } };
}

function ensureBuilt(): Built {
  built ??= build();
  return built;
}

/** GET /openapi/v3 */
export function openApiV3Index(): object {
  return ensureBuilt().index;
}

/** GET /openapi/v3/<groupVersionPath> ('api/v1', 'apis/apps/v1'); undefined when not served. A `?hash=` query is the caller's to strip. */
export function openApiV3Document(groupVersionPath: string): object | undefined {
  return ensureBuilt().documents.get(groupVersionPath.replace(/^\/+|\/+$/g, ''));
}

/** All generated schemas by upstream name (for server-side code that needs field facts). */
export function componentSchemas(): Readonly<Schemas> {
  return ensureBuilt().schemas;
}

/** The schema name of a served kind (or list kind), e.g. ('apps/v1', 'Deployment') → 'io.k8s.api.apps.v1.Deployment'. */
export function schemaNameOfKind(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return ensureBuilt().kinds.get(gvkKey({ group, version, kind }));
}
