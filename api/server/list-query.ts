/** Label/field selectors and limit/continue for list and watch requests. */
import { badRequest, gone } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { parseFieldSelector, parseLabelSelector } from '../selectors/index.js';

export interface ObjectFilter {
  matches(obj: KubeObject): boolean;
  /** metadata.name=X narrows a watch or list to one object. */
  requiredName?: string;
}

export function filterFromQuery(ri: ResourceInfo, query: URLSearchParams): ObjectFilter {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '', ri);
  const matches = (obj: KubeObject) => (labels.empty || labels.matches(obj.metadata.labels)) && (fields.empty || fields.matches(obj));
  return { matches, requiredName: fields.requiredName };
}

export interface ContinueToken {
  rev: number;
  /** The last key already returned. */
  after: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'svcnet/v1', rv: t.rev, after: t.after })).toString('base64url');
}

export function decodeContinue(s: string, compactedRev: number): ContinueToken {
  let parsed: { v?: string; rv?: number; after?: string };
  try {
    parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (parsed.v !== 'svcnet/v1' || typeof parsed.rv !== 'number' || typeof parsed.after !== 'string') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (parsed.rv < compactedRev) {
    throw gone(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
  }
  return { rev: parsed.rv, after: parsed.after };
}

export function parseLimit(v: string | null): number {
  if (!v) return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit: ${v}`);
  return n;
}
