/**
 * `limit-rps` / `limit-rpm` with `limit-burst-multiplier` (default 5): nginx's limit_req per
 * client address with `burst = rate × multiplier nodelay`, the algorithm ingress-nginx
 * configures: each request adds one to the client's excess, which drains at the rate; above the
 * burst the request is refused with 503 (limit-req-status-code). Per process, as ingress-nginx's
 * limits are per replica. Counters live in a registry keyed by Ingress and settings, so a route
 * table swap (any endpoint change) does not reset them.
 */
import type { Gate, PolicyAnswer } from './policy.js';
import { cidrMatcher, type Cidr } from './source-range.js';

/** Client addresses remembered per limiter; the least recently seen are forgotten first. */
const maxClients = 16_384;
/** Limiters remembered across swaps (one per annotated Ingress and setting). */
const maxLimiters = 4_096;

interface ClientState {
  /** Excess in thousandths of a request, as nginx keeps it. */
  excess: number;
  last: number;
}

class Limiter {
  readonly #perSecondMilli: number;
  readonly #burstMilli: number;
  readonly #clients = new Map<string, ClientState>();

  constructor(perSecond: number, burst: number) {
    this.#perSecondMilli = perSecond * 1000;
    this.#burstMilli = burst * 1000;
  }

  /** true when the request may go on. */
  admit(client: string, now: number): boolean {
    const s = this.#clients.get(client);
    if (!s) {
      this.#remember(client, { excess: 0, last: now });
      return true;
    }
    const elapsed = Math.max(0, now - s.last);
    const excess = Math.max(0, s.excess - (this.#perSecondMilli * elapsed) / 1000 + 1000);
    if (excess > this.#burstMilli) return false;
    s.excess = excess;
    s.last = now;
    // Re-inserting keeps the Map in least-recently-admitted order for eviction.
    this.#clients.delete(client);
    this.#clients.set(client, s);
    return true;
  }

  #remember(client: string, s: ClientState): void {
    if (this.#clients.size >= maxClients) this.#clients.delete(this.#clients.keys().next().value!);
    this.#clients.set(client, s);
  }
}

const limiters = new Map<string, Limiter>();

function limiterFor(key: string, perSecond: number, burst: number): Limiter {
  const id = `${key}|${perSecond}|${burst}`;
  let l = limiters.get(id);
  if (!l) {
    if (limiters.size >= maxLimiters) limiters.delete(limiters.keys().next().value!);
    limiters.set(id, (l = new Limiter(perSecond, burst)));
  }
  return l;
}

const limited: PolicyAnswer = { kind: 'answer', status: 503, headers: [], emptyBody: false };

export interface RateLimitConfig {
  rps: number | undefined;
  rpm: number | undefined;
  burstMultiplier: number;
  /** `limit-whitelist`: clients in these ranges are never limited. */
  exempt: Cidr[] | undefined;
}

/** `owner` names the Ingress ("ns/name"): its routes share one counter per client, as one nginx zone. */
export function rateLimitGate(owner: string, cfg: RateLimitConfig): Gate | undefined {
  const checks: Limiter[] = [];
  if (cfg.rps !== undefined) checks.push(limiterFor(`${owner}|rps`, cfg.rps, cfg.rps * cfg.burstMultiplier));
  if (cfg.rpm !== undefined) checks.push(limiterFor(`${owner}|rpm`, cfg.rpm / 60, cfg.rpm * cfg.burstMultiplier));
  if (checks.length === 0) return undefined;
  const exempt = cfg.exempt ? cidrMatcher(cfg.exempt) : undefined;
  return (req) => {
    if (exempt?.(req.remoteAddress)) return undefined;
    const now = Date.now();
    for (const l of checks) if (!l.admit(req.remoteAddress, now)) return limited;
    return undefined;
  };
}
