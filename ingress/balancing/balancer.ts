/**
 * Endpoint choice for backends with load-balancing annotations. A Balancer is built at compile
 * time for one Backend (its endpoints are fixed for the table's lifetime); state that must outlive
 * a table swap (EWMA latencies) lives in module-level stores keyed by the backend id.
 */
import type { Endpoint } from '../model.js';
import type { RequestHead } from '../proxy/http-head.js';

/** What a balancer may read about the request, and where it leaves a cookie to set. */
export interface PickContext {
  readonly req: RequestHead;
  readonly client: { readonly remoteAddress: string; readonly listener: { readonly proto: 'http' | 'https' } };
  /** A complete `Set-Cookie: …\r\n` line for the response ('' = none); replaced on each pick. */
  setCookie: string;
}

export interface Balancer {
  /** An endpoint not in `tried`, or undefined when none is left. */
  pick(ctx: PickContext, tried: readonly Endpoint[] | undefined): Endpoint | undefined;
  /** A finished exchange with `endpoint` took `ms` (EWMA learns from it; others ignore it). */
  observe?(endpoint: Endpoint, ms: number): void;
  /** The request carries this backend's affinity cookie (canaries keep affinitized clients). */
  isAffinitized?(ctx: Pick<PickContext, 'req'>): boolean;
}

/** Endpoints not yet tried, in their order. */
export function untried(endpoints: readonly Endpoint[], tried: readonly Endpoint[] | undefined): readonly Endpoint[] {
  return tried ? endpoints.filter((e) => !tried.includes(e)) : endpoints;
}
