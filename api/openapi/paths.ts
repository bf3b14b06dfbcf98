/**
 * The `paths` of one group-version's OpenAPI v3 document, shaped like upstream's: collection and
 * item paths per resource and subresource paths, each operation carrying `x-kubernetes-action`
 * and `x-kubernetes-group-version-kind`. kubectl relies on two things here: a PATCH operation per
 * kind with a `fieldValidation` query parameter (so it validates server-side), and GVKs on the
 * resource paths (so `kubectl explain` finds the kind's schema).
 */
import type { ResourceInfo, SubresourceInfo } from '../resources.js';
import { ref, type Gvk, type Schema } from './generate-schemas.js';
import { builtinSchemaNames } from './schema-names.js';

/** Schema names of the kinds this document can reference, by `group/version/kind`. */
export type KindSchemas = Map<string, string>;

export function gvkKey(g: Gvk): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

const statusSchema = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const deleteOptionsSchema = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

const responseTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
/**
 * Strategic merge is accepted by the server but deliberately not advertised here: kubectl then
 * builds its apply patches from its compiled-in Go struct tags, which are exactly right for the
 * built-in kinds, instead of from our generated schemas (reference/kube-api.md §2).
 */
const patchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];

function content(types: string[], schema: Schema): Schema {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function okResponse(schemaName: string | undefined, extra: Record<string, string> = {}): Schema {
  const responses: Schema = {};
  for (const code of ['200', ...Object.keys(extra)]) {
    const description = code === '200' ? 'OK' : extra[code];
    responses[code] = schemaName ? { description, content: content(responseTypes, ref(schemaName)) } : { description, content: { '*/*': { schema: { type: 'string' } } } };
  }
  responses['401'] = { description: 'Unauthorized' };
  return responses;
}

function queryParam(name: string, description: string, type = 'string'): Schema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): Schema {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const dryRun = queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const fieldManager = queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes. Required for apply requests (application/apply-patch).');
const fieldValidation = queryParam(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore: drops unknown fields silently. - Warn: drops unknown fields and returns a warning header per field. - Strict: fails the request when it contains unknown or duplicate fields.',
);
const force = queryParam('force', 'Force is going to "force" Apply requests: it re-acquires conflicting fields owned by other people. Must be unset for non-apply patch requests.', 'boolean');
const pretty = queryParam('pretty', "If 'true', then the output is pretty printed.");
const listParams = [
  queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  queryParam('continue', 'The continue option should be set when retrieving more results from the server.'),
  queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  queryParam('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];
const deleteParams = [
  dryRun,
  queryParam('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  queryParam('propagationPolicy', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
];

interface OperationSpec {
  verbWord: string; // operationId verb: list, create, read, replace, patch, delete, deletecollection, connect…
  action: string; // x-kubernetes-action
  description: string;
  gvk: Gvk;
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Schema;
}

const capitalize = (w: string) => w.replace(/^./, (c) => c.toUpperCase());

/**
 * Operation ids as upstream spells them: `patchCoreV1NamespacedService`,
 * `deleteCoreV1CollectionNamespacedService`, `connectCoreV1GetNamespacedPodExec`,
 * `listAppsV1DeploymentForAllNamespaces`.
 */
function operationId(o: OperationSpec, method: string, r: ResourceInfo, scope: 'Namespaced' | '' | 'ForAllNamespaces', sub?: SubresourceInfo): string {
  const groupVersion = capitalize((r.group || 'core').split('.')[0]) + capitalize(r.version);
  const verb = o.verbWord === 'deletecollection' ? 'delete' : o.verbWord;
  const qualifier = o.verbWord === 'deletecollection' ? 'Collection' : o.verbWord === 'connect' ? capitalize(method) : '';
  const namespaced = scope === 'Namespaced' ? 'Namespaced' : '';
  const forAll = scope === 'ForAllNamespaces' ? 'ForAllNamespaces' : '';
  return `${verb}${groupVersion}${qualifier}${namespaced}${r.kind}${sub ? capitalize(sub.name) : ''}${forAll}`;
}

function tagOf(r: ResourceInfo): string {
  return `${(r.group || 'core').split('.')[0]}_${r.version}`;
}

function operation(id: string, tag: string, o: OperationSpec): Schema {
  const op: Schema = { tags: [tag], description: o.description, operationId: id };
  if (o.parameters?.length) op.parameters = o.parameters;
  if (o.requestBody) op.requestBody = o.requestBody;
  op.responses = o.responses;
  op['x-kubernetes-action'] = o.action;
  op['x-kubernetes-group-version-kind'] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
  return op;
}

function bodyOf(schemaName: string, types = ['application/json', 'application/yaml']): Schema {
  return { content: content(types, ref(schemaName)), required: true };
}

const patchBody: Schema = { content: content(patchTypes, ref(builtinSchemaNames.patch)), required: true };
const deleteBody: Schema = { content: { '*/*': { schema: ref(deleteOptionsSchema) } } };

/** The operations of a resource's (or subresource's) single-object path. */
function itemOperations(verbs: string[], schemaName: string | undefined, what: string, gvk: Gvk): Record<string, OperationSpec> {
  const ops: Record<string, OperationSpec> = {};
  if (verbs.includes('get')) ops.get = { verbWord: 'read', action: 'get', description: `read ${what}`, gvk, responses: okResponse(schemaName) };
  if (verbs.includes('update') && schemaName)
    ops.put = {
      verbWord: 'replace',
      action: 'put',
      description: `replace ${what}`,
      gvk,
      parameters: [dryRun, fieldManager, fieldValidation],
      requestBody: bodyOf(schemaName),
      responses: okResponse(schemaName, { '201': 'Created' }),
    };
  if (verbs.includes('patch') && schemaName)
    ops.patch = {
      verbWord: 'patch',
      action: 'patch',
      description: `partially update ${what}`,
      gvk,
      parameters: [dryRun, fieldManager, fieldValidation, force],
      requestBody: patchBody,
      responses: okResponse(schemaName, { '201': 'Created' }),
    };
  if (verbs.includes('delete') && schemaName)
    ops.delete = {
      verbWord: 'delete',
      action: 'delete',
      description: `delete ${what}`,
      gvk,
      parameters: deleteParams,
      requestBody: deleteBody,
      responses: okResponse(statusSchema, { '202': 'Accepted' }),
    };
  return ops;
}

/** Subresources that are not objects (exec, attach, portforward, log) and their actions. */
const connectSubresources = new Set(['exec', 'attach', 'portforward']);

function subresourceOperations(parentKind: string, sub: SubresourceInfo, gvk: Gvk, schemaName: string | undefined): Record<string, OperationSpec> {
  const what = `${sub.name} of the specified ${parentKind}`;
  if (connectSubresources.has(sub.name)) {
    const ops: Record<string, OperationSpec> = {};
    for (const [method, verb] of [['get', 'get'], ['post', 'create']] as const) {
      if (sub.verbs.includes(verb)) ops[method] = { verbWord: 'connect', action: 'connect', description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${parentKind}`, gvk, responses: okResponse(undefined) };
    }
    return ops;
  }
  if (sub.name === 'log') return { get: { verbWord: 'read', action: 'get', description: `read log of the specified ${parentKind}`, gvk, responses: okResponse(undefined) } };
  const ops = itemOperations(sub.verbs, schemaName, what, gvk);
  if (sub.verbs.includes('create') && schemaName)
    ops.post = {
      verbWord: 'create',
      action: 'post',
      description: `create ${what}`,
      gvk,
      parameters: [dryRun, fieldManager, fieldValidation],
      requestBody: bodyOf(schemaName),
      responses: okResponse(schemaName, { '201': 'Created', '202': 'Accepted' }),
    };
  return ops;
}

type PathItems = Record<string, Schema>;

function addPath(paths: PathItems, path: string, parameters: Schema[], ops: Record<string, Schema>): void {
  if (!Object.keys(ops).length) return;
  paths[path] = { ...ops, parameters };
}

function named(ops: Record<string, OperationSpec>, r: ResourceInfo, scope: 'Namespaced' | '' | 'ForAllNamespaces', sub?: SubresourceInfo): Record<string, Schema> {
  const tag = tagOf(r);
  return Object.fromEntries(Object.entries(ops).map(([method, o]) => [method, operation(operationId(o, method, r, scope, sub), tag, o)]));
}

/** The paths of one resource, its collection, items and subresources. */
export function resourcePaths(r: ResourceInfo, kinds: KindSchemas): PathItems {
  const paths: PathItems = {};
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const gvk: Gvk = { group: r.group, version: r.version, kind: r.kind };
  const kindSchema = kinds.get(gvkKey(gvk));
  const listSchema = kinds.get(gvkKey({ ...gvk, kind: r.listKind }));
  const scope = r.namespaced ? 'Namespaced' : '';
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const namespaceParam = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = pathParam('name', `name of the ${r.kind}`);

  const collectionOps: Record<string, OperationSpec> = {};
  if (r.verbs.includes('list')) collectionOps.get = { verbWord: 'list', action: 'list', description: `list or watch objects of kind ${r.kind}`, gvk, parameters: listParams, responses: okResponse(listSchema) };
  if (r.verbs.includes('create') && kindSchema)
    collectionOps.post = {
      verbWord: 'create',
      action: 'post',
      description: `create a ${r.kind}`,
      gvk,
      parameters: [dryRun, fieldManager, fieldValidation],
      requestBody: bodyOf(kindSchema),
      responses: okResponse(kindSchema, { '201': 'Created', '202': 'Accepted' }),
    };
  if (r.verbs.includes('deletecollection'))
    collectionOps.delete = {
      verbWord: 'deletecollection',
      action: 'deletecollection',
      description: `delete collection of ${r.kind}`,
      gvk,
      parameters: [...deleteParams, ...listParams.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')],
      requestBody: deleteBody,
      responses: okResponse(statusSchema),
    };
  addPath(paths, collection, [...namespaceParam, pretty], named(collectionOps, r, scope));
  addPath(paths, `${collection}/{name}`, [nameParam, ...namespaceParam, pretty], named(itemOperations(r.verbs, kindSchema, `the specified ${r.kind}`, gvk), r, scope));

  for (const sub of r.subresources) {
    const subGvk: Gvk = { group: sub.group ?? r.group, version: sub.version ?? r.version, kind: sub.kind };
    const ops = subresourceOperations(r.kind, sub, subGvk, kinds.get(gvkKey(subGvk)));
    addPath(paths, `${collection}/{name}/${sub.name}`, [nameParam, ...namespaceParam, pretty], named(ops, r, scope, sub));
  }

  if (r.namespaced && r.verbs.includes('list')) {
    const allOps = { get: { ...collectionOps.get, description: `list or watch objects of kind ${r.kind}` } };
    addPath(paths, `${prefix}/${r.resource}`, [pretty], named(allOps, r, 'ForAllNamespaces'));
  }
  return paths;
}
