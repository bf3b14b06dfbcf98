/**
 * `affinity: cookie` as ingress-nginx does it (balancer/sticky*.lua): a client without the
 * session cookie gets an endpoint and the cookie on that response; with the cookie it keeps that
 * endpoint while it exists. The cookie value is `<key>|<backend key>`:
 * - balanced mode: `key` is random and mapped onto the endpoints by consistent hashing, so a
 *   removed endpoint's sessions move to the others and a scale-up takes over a share of sessions;
 * - persistent mode: `key` names one endpoint (a digest, never its address); when that endpoint
 *   is gone a new one is chosen and the cookie replaced.
 * The backend key tells canaries which backend a client is affinitized to.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Endpoint } from '../model.js';
import { cookieValue } from '../policies/request.js';
import { untried, type Balancer, type PickContext } from './balancer.js';
import type { CookieAffinityConfig } from './config.js';
import { HashRing } from './ring.js';

const keyPattern = /^[A-Za-z0-9]{1,64}$/;

export class CookieAffinityBalancer implements Balancer {
  readonly #cfg: CookieAffinityConfig;
  readonly #endpoints: readonly Endpoint[];
  readonly #backendKey: string;
  readonly #path: string;
  readonly #ring: HashRing | undefined;
  readonly #byDigest: Map<string, Endpoint> | undefined;
  readonly #digestOf: Map<Endpoint, string> | undefined;

  constructor(cfg: CookieAffinityConfig, backendId: string, endpoints: readonly Endpoint[], routePath: string) {
    this.#cfg = cfg;
    this.#endpoints = endpoints;
    this.#backendKey = digest(backendId).slice(0, 16);
    this.#path = cfg.path ?? routePath;
    if (cfg.mode === 'balanced') this.#ring = new HashRing(endpoints);
    else {
      this.#byDigest = new Map();
      this.#digestOf = new Map();
      for (const ep of endpoints) {
        const d = digest(`${backendId}|${ep.key}`).slice(0, 24);
        this.#byDigest.set(d, ep);
        this.#digestOf.set(ep, d);
      }
    }
  }

  pick(ctx: PickContext, tried: readonly Endpoint[] | undefined): Endpoint | undefined {
    const key = this.#cookieKey(ctx.req.headers)?.key;
    // A retry (the session's endpoint failed): another endpoint serves this request; the session
    // moves there only with session-cookie-change-on-failure.
    const repin = tried !== undefined && this.#cfg.changeOnFailure;
    if (this.#ring) {
      if (key !== undefined && !repin) return this.#ring.find(key, tried);
      const fresh = randomBytes(12).toString('hex');
      const ep = this.#ring.find(fresh, tried);
      if (ep) ctx.setCookie = this.#setCookie(fresh, ctx);
      return ep;
    }
    const pinned = key !== undefined ? this.#byDigest!.get(key) : undefined;
    if (pinned && !tried?.includes(pinned)) return pinned;
    const ep = randomOf(untried(this.#endpoints, tried));
    if (ep && (!pinned || repin)) ctx.setCookie = this.#setCookie(this.#digestOf!.get(ep)!, ctx);
    return ep;
  }

  isAffinitized(ctx: Pick<PickContext, 'req'>): boolean {
    return this.#cookieKey(ctx.req.headers)?.backend === this.#backendKey;
  }

  #cookieKey(headers: readonly string[]): { key: string; backend: string | undefined } | undefined {
    const raw = cookieValue(headers, this.#cfg.name);
    if (raw === undefined) return undefined;
    const bar = raw.indexOf('|');
    const key = bar < 0 ? raw : raw.slice(0, bar);
    return keyPattern.test(key) ? { key, backend: bar < 0 ? undefined : raw.slice(bar + 1) } : undefined;
  }

  /** Attributes in resty.cookie's order; Secure follows the request's scheme unless configured. */
  #setCookie(key: string, ctx: PickContext): string {
    const c = this.#cfg;
    let out = `Set-Cookie: ${c.name}=${key}|${this.#backendKey}`;
    if (c.expiresSeconds !== undefined) out += `; Expires=${new Date(Date.now() + c.expiresSeconds * 1000).toUTCString()}`;
    if (c.maxAgeSeconds !== undefined) out += `; Max-Age=${c.maxAgeSeconds}`;
    if (c.domain !== undefined) out += `; Domain=${c.domain}`;
    out += `; Path=${this.#path}`;
    if (c.secure ?? ctx.client.listener.proto === 'https') out += '; Secure';
    out += '; HttpOnly';
    if (c.sameSite) out += `; SameSite=${c.sameSite}`;
    return out + '\r\n';
  }
}

function digest(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

function randomOf(eps: readonly Endpoint[]): Endpoint | undefined {
  return eps.length ? eps[Math.floor(Math.random() * eps.length)] : undefined;
}
