/**
 * SNI → SecureContext. Contexts are built once per certificate (keyed by Secret and content), and
 * rebuilt only when a Secret changes; lookups go exact name, then "*.<parent>" (one label), then
 * the Ingress default certificate (a tls entry without hosts), then the generated fallback.
 */
import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { logger } from '../../common/log.js';
import type { RouteTable, TlsCert } from '../model.js';
import type { PemPair } from './default-cert.js';

const log = logger('ingress');

/** TLS 1.2+ with ingress-nginx's ECDHE-GCM/CHACHA20 list. */
export const tlsServerDefaults = {
  minVersion: 'TLSv1.2' as const,
  ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
  honorCipherOrder: true,
};

export class CertStore {
  readonly #fallback: tls.SecureContext;
  #byHost = new Map<string, tls.SecureContext>();
  #cache = new Map<string, tls.SecureContext>();
  #default: tls.SecureContext | undefined;
  #defaultPem: PemPair | undefined;
  readonly #defaultListeners = new Set<(pem: PemPair) => void>();

  /** Served to clients that send no SNI at all. */
  readonly fallbackPem: PemPair;

  constructor(fallback: PemPair) {
    this.fallbackPem = fallback;
    this.#fallback = tls.createSecureContext({ ...tlsServerDefaults, cert: fallback.cert, key: fallback.key });
  }

  /** Rebuilds the host map from a new table; unchanged certificates keep their context. */
  update(table: RouteTable): void {
    const nextCache = new Map<string, tls.SecureContext>();
    const byHost = new Map<string, tls.SecureContext>();
    let def: tls.SecureContext | undefined;
    let defPem: PemPair | undefined;
    for (const [host, cert] of table.certs) {
      const ctx = this.#contextFor(cert, nextCache);
      if (!ctx) continue;
      if (host === '*') {
        def = ctx;
        defPem = { cert: cert.cert, key: cert.key };
      } else byHost.set(host, ctx);
    }
    this.#cache = nextCache;
    this.#byHost = byHost;
    this.#default = def;
    const pem = defPem ?? this.fallbackPem;
    if (pem.cert !== (this.#defaultPem ?? this.fallbackPem).cert || pem.key !== (this.#defaultPem ?? this.fallbackPem).key) {
      this.#defaultPem = defPem;
      for (const l of this.#defaultListeners) l(pem);
    }
  }

  /** The certificate for clients that send no SNI (the TLS server's own context follows it). */
  get defaultPem(): PemPair {
    return this.#defaultPem ?? this.fallbackPem;
  }

  onDefaultChange(listener: (pem: PemPair) => void): () => void {
    this.#defaultListeners.add(listener);
    return () => this.#defaultListeners.delete(listener);
  }

  #contextFor(cert: TlsCert, nextCache: Map<string, tls.SecureContext>): tls.SecureContext | undefined {
    const key = createHash('sha256').update(cert.id).update('\0').update(cert.cert).update('\0').update(cert.key).digest('hex');
    let ctx = nextCache.get(key) ?? this.#cache.get(key);
    if (!ctx) {
      try {
        ctx = tls.createSecureContext({ ...tlsServerDefaults, cert: cert.cert, key: cert.key });
      } catch (err) {
        log.warn('TLS secret unusable', { secret: cert.id, err });
        return undefined;
      }
    }
    nextCache.set(key, ctx);
    return ctx;
  }

  contextFor(servername: string | undefined): tls.SecureContext {
    if (servername) {
      const name = servername.toLowerCase();
      const exact = this.#byHost.get(name);
      if (exact) return exact;
      const dot = name.indexOf('.');
      if (dot > 0) {
        const wild = this.#byHost.get(`*${name.slice(dot)}`);
        if (wild) return wild;
      }
    }
    return this.#default ?? this.#fallback;
  }

  sniCallback = (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    cb(null, this.contextFor(servername));
  };
}
