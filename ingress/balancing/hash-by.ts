/**
 * `upstream-hash-by`: the endpoint is chosen by consistent hashing of one request value, so the
 * same URI (or client, or header value) keeps reaching the same endpoint while it exists.
 */
import type { Endpoint } from '../model.js';
import { headerValue } from '../policies/request.js';
import type { Balancer, PickContext } from './balancer.js';
import type { HashSource } from './config.js';
import { HashRing } from './ring.js';

export class HashBalancer implements Balancer {
  readonly #ring: HashRing;
  readonly #source: HashSource;

  constructor(source: HashSource, endpoints: readonly Endpoint[]) {
    this.#source = source;
    this.#ring = new HashRing(endpoints);
  }

  pick(ctx: PickContext, tried: readonly Endpoint[] | undefined): Endpoint | undefined {
    return this.#ring.find(hashKey(this.#source, ctx), tried);
  }
}

export function hashKey(source: HashSource, ctx: PickContext): string {
  switch (source.kind) {
    case 'request_uri':
      return ctx.req.target;
    case 'remote_addr':
      return ctx.client.remoteAddress;
    case 'header':
      return headerValue(ctx.req.headers, source.lowerName) ?? '';
  }
}
