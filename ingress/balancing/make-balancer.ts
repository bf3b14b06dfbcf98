/** Builds the Balancer of a Backend from its Ingress's load-balancing annotations. */
import type { Endpoint } from '../model.js';
import type { Balancer } from './balancer.js';
import type { LbConfig } from './config.js';
import { CookieAffinityBalancer } from './cookie-affinity.js';
import { EwmaBalancer } from './ewma.js';
import { HashBalancer } from './hash-by.js';

/** null for round robin: the data plane's own cursor does it with no extra work. */
export function makeBalancer(lb: LbConfig, backendId: string, endpoints: readonly Endpoint[], routePath: string): Balancer | null {
  switch (lb.kind) {
    case 'round_robin':
      return null;
    case 'ewma':
      return new EwmaBalancer(backendId, endpoints);
    case 'hash':
      return new HashBalancer(lb.source, endpoints);
    case 'cookie':
      return new CookieAffinityBalancer(lb.cookie, backendId, endpoints, routePath);
  }
}
