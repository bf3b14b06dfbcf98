/**
 * How strategic merge patch orders a merged list (strategicpatch normalizeElementOrder and
 * mergeSortedSlice): items named by the patch in the patch's order, live-only items in live order,
 * interleaved so that a live-only item comes first only when both were live and it came first.
 */
import { isPlainObject } from '../types.js';

/** Same list item: equal merge key values, or equal scalars when there is no merge key. */
export function sameItem(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  return isPlainObject(a) && isPlainObject(b) && a[mergeKey] === b[mergeKey];
}

function indexIn(list: unknown[], item: unknown, mergeKey: string): number {
  return list.findIndex((x) => sameItem(x, item, mergeKey));
}

/** Orders `patchItems` ∪ `serverOnly` (see above). */
export function normalizeElementOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const sortBy = (items: unknown[], order: unknown[]) =>
    [...items].sort((a, b) => {
      const ia = indexIn(order, a, mergeKey);
      const ib = indexIn(order, b, mergeKey);
      return ia >= 0 && ib >= 0 ? ia - ib : 0;
    });
  const right = sortBy(patchItems, patchOrder);
  const left = sortBy(serverOnly, serverOrder);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
