/**
 * Turns a request path into what it addresses, as kube-apiserver's RequestInfoFactory does:
 * /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}, /apis/{group}/{version}/…, the legacy
 * /watch/ prefix, and the namespace object itself (/api/v1/namespaces/{name}[/status|/finalize]).
 */
export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'connect';
}

export interface NonResourceRequest {
  kind: 'nonresource';
  path: string;
}

const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestPath(method: string, path: string, query: URLSearchParams): ResourceRequest | NonResourceRequest {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { kind: 'nonresource', path };
  }
  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  const req: ResourceRequest = { kind: 'resource', group, version, resource: rest[0] ?? '', verb: 'get' };
  if (rest[0] === 'namespaces' && namespace !== undefined && rest.length > 1) {
    // The namespace object itself: the name is the namespace.
    req.name = rest[1];
    req.subresource = rest[2];
  } else {
    req.namespace = namespace;
    req.name = rest[1];
    req.subresource = rest[2];
  }
  if (rest.length > 3) return { kind: 'nonresource', path };
  req.verb = verbFor(method, req, watchPrefix || isTrue(query.get('watch')));
  return req;
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function verbFor(method: string, req: ResourceRequest, watch: boolean): ResourceRequest['verb'] {
  const collection = req.name === undefined;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return collection ? 'list' : 'get';
    case 'POST':
      return collection ? 'create' : 'connect';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return 'get';
  }
}
