/** What the client asked the answer to look like: a Table (kubectl get) or plain JSON. */
import type { IncludeObject } from '../tables/index.js';

export interface Presentation {
  table: boolean;
  includeObject: IncludeObject;
}

export function presentationFor(accept: string | undefined, query: URLSearchParams): Presentation {
  const table = (accept ?? '').split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.some((p) => p === 'g=meta.k8s.io');
  });
  const inc = query.get('includeObject');
  const includeObject: IncludeObject = inc === 'None' || inc === 'Object' ? inc : 'Metadata';
  return { table, includeObject };
}
