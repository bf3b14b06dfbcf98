/**
 * Compile-time assembly of a route's policy from its Ingress's access annotations (and, for a
 * route a canary Ingress attached to, the canary choice). Returns null when there is nothing to
 * check, so such routes cost the data plane nothing.
 */
import type { AuthSecretInfo, Backend } from '../model.js';
import { basicAuthGate, parseHtpasswd, type Htpasswd } from './basic-auth.js';
import type { CanaryChoice } from './canary.js';
import type { AccessConfig } from './config.js';
import { Cors } from './cors.js';
import { CompiledPolicy, type Gate, type PolicyAnswer, type RoutePolicy } from './policy.js';
import { rateLimitGate } from './rate-limit.js';
import { sourceRangeGate } from './source-range.js';

/** The access part of an Ingress, built once and shared by its routes. */
export interface AccessParts {
  cors: Cors | undefined;
  gates: Gate[];
}

export interface AccessContext {
  namespace: string;
  name: string;
  /** "namespace/name" → Secret with an `auth` key. */
  authSecrets: ReadonlyMap<string, AuthSecretInfo>;
  report(reason: string, message: string): void;
}

export function buildAccess(cfg: AccessConfig, ctx: AccessContext): AccessParts | undefined {
  const gates: Gate[] = [];
  const limit = rateLimitGate(`${ctx.namespace}/${ctx.name}`, cfg.rateLimit);
  if (limit) gates.push(limit);
  if (cfg.allowRanges || cfg.denyRanges) gates.push(sourceRangeGate(cfg.allowRanges, cfg.denyRanges));
  if (cfg.basicAuth) gates.push(basicAuthGate(htpasswdFor(cfg.basicAuth.secret, ctx), cfg.basicAuth.realm));
  const cors = cfg.cors ? new Cors(cfg.cors) : undefined;
  return cors || gates.length ? { cors, gates } : undefined;
}

/** undefined (→ every request refused with 503) when the Secret is missing or in another namespace. */
function htpasswdFor(ref: string | undefined, ctx: AccessContext): Htpasswd | undefined {
  if (ref === undefined) return undefined;
  const id = ref.includes('/') ? ref : `${ctx.namespace}/${ref}`;
  if (!id.startsWith(`${ctx.namespace}/`)) {
    ctx.report('AuthSecretNotAllowed', `auth-secret ${id} is in another namespace; every request to this Ingress is refused`);
    return undefined;
  }
  const secret = ctx.authSecrets.get(id);
  if (!secret) {
    ctx.report('AuthSecretNotFound', `auth-secret ${id} not found or has no "auth" key; every request to this Ingress is refused`);
    return undefined;
  }
  const parsed = parseHtpasswd(secret.auth);
  for (const p of parsed.problems) ctx.report('InvalidAuthSecret', `${id}: ${p}`);
  return parsed;
}

export function makePolicy(access: AccessParts | undefined, backend: Backend, canary: CanaryChoice | undefined): RoutePolicy | null {
  const grpc = backend.options.protocol === 'GRPC' || backend.options.protocol === 'GRPCS';
  if (!access && !canary && !grpc) return null;
  const gates = access?.gates ?? [];
  return new CompiledPolicy({ cors: access?.cors, gates: grpc ? [http2Only, ...gates] : gates, backend, canary });
}

const needsHttp2: PolicyAnswer = { kind: 'answer', status: 502, headers: [], emptyBody: false };

/**
 * gRPC backends are reached over HTTP/2 only, and svcnet speaks HTTP/2 to clients that
 * negotiated it (TLS ALPN h2): an HTTP/1.x request to such a route gets 502 instead of bytes a
 * gRPC server cannot parse.
 */
const http2Only: Gate = (req) => (req.http2 ? undefined : needsHttp2);
