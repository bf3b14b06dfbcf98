/**
 * The canary decision of ingress-nginx's balancer.lua (route_to_alternative_balancer): a client
 * affinitized to the main or the canary backend stays there; then the canary header (its value,
 * or pattern, or `always`/`never`), then the canary cookie (`always`/`never`), then the weight.
 */
import type { Backend } from '../model.js';
import type { CanaryConfig } from './canary-config.js';
import type { PolicyRequest } from './policy.js';
import { cookieValue, headerValue } from './request.js';

export class CanaryChoice {
  readonly #cfg: CanaryConfig;
  readonly #canary: Backend;

  constructor(cfg: CanaryConfig, canary: Backend) {
    this.#cfg = cfg;
    this.#canary = canary;
  }

  /** The backend serving this request: `main` or the canary (never a canary without endpoints). */
  choose(req: PolicyRequest, main: Backend): Backend {
    if (this.#canary.endpoints.length === 0) return main;
    return this.#toCanary(req, main) ? this.#canary : main;
  }

  #toCanary(req: PolicyRequest, main: Backend): boolean {
    const ctx = { req: req.head };
    if (main.balancer?.isAffinitized?.(ctx)) return false;
    if (this.#canary.balancer?.isAffinitized?.(ctx)) return true;
    const c = this.#cfg;
    const headers = req.head.headers;
    const header = c.header !== undefined ? headerValue(headers, c.header) : undefined;
    if (header !== undefined) {
      if (c.headerValue !== undefined) {
        if (header === c.headerValue) return true;
      } else if (c.headerPattern !== undefined) {
        if (c.headerPattern.test(header)) return true;
      } else if (header === 'always') return true;
      else if (header === 'never') return false;
    }
    const cookie = c.cookie !== undefined ? cookieValue(headers, c.cookie) : undefined;
    if (cookie === 'always') return true;
    if (cookie === 'never') return false;
    // As balancer.lua: a total below 100 is treated as 100.
    const total = Math.max(100, c.weightTotal);
    return Math.floor(Math.random() * total) + 1 <= c.weight;
  }
}
