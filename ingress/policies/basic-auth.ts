/**
 * `auth-type: basic` with `auth-secret` (htpasswd lines in the Secret's `auth` key) and
 * `auth-realm`: requests without valid credentials get 401 with `WWW-Authenticate: Basic`.
 * Hash formats: bcrypt (`$2a$`/`$2b$`/`$2y$`, bcryptjs), Apache MD5 (`$apr1$`, apache-md5) and
 * SHA-1 (`{SHA}`); lines in other formats (crypt DES, plain text) are reported and never match.
 * A missing Secret fails closed: every request is refused (503, as ingress-nginx's denied location).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import aprMd5Module from 'apache-md5';
import type { Gate, PolicyAnswer } from './policy.js';
import { headerValue } from './request.js';

// apache-md5 is CommonJS (`module.exports = fn`) while its typings declare an ES default export.
const aprMd5 = aprMd5Module as unknown as (password: string, salt?: string) => string;

type Verifier = (password: string) => boolean;

export interface Htpasswd {
  users: Map<string, Verifier>;
  /** One message per line that cannot be used. */
  problems: string[];
}

const userPattern = /^[^:\s]{1,256}$/;

export function parseHtpasswd(text: string): Htpasswd {
  const users = new Map<string, Verifier>();
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const user = line.slice(0, colon);
    const verify = colon > 0 && userPattern.test(user) ? verifierFor(line.slice(colon + 1)) : undefined;
    if (!verify) problems.push(`auth secret line ${i + 1}: not "user:hash" with a bcrypt, $apr1$ or {SHA} hash; ignored`);
    else if (!users.has(user)) users.set(user, verify);
  }
  return { users, problems };
}

function verifierFor(hash: string): Verifier | undefined {
  if (/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) return (pw) => bcrypt.compareSync(pw, hash);
  if (/^\$apr1\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}$/.test(hash)) return (pw) => same(aprMd5(pw, hash), hash);
  if (/^\{SHA\}[A-Za-z0-9+/]{27}=$/.test(hash)) return (pw) => same(`{SHA}${createHash('sha1').update(pw, 'utf8').digest('base64')}`, hash);
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Credentials proven good, by digest of the Authorization value: bcrypt is deliberately slow. */
const maxRemembered = 1024;

export function basicAuthGate(htpasswd: Htpasswd | undefined, realm: string): Gate {
  if (!htpasswd) {
    const denied: PolicyAnswer = { kind: 'answer', status: 503, headers: [], emptyBody: false };
    return () => denied;
  }
  const challenge: PolicyAnswer = { kind: 'answer', status: 401, headers: [['WWW-Authenticate', `Basic realm="${realm}"`]], emptyBody: false };
  const remembered = new Set<string>();
  return (req) => {
    const value = headerValue(req.head.headers, 'authorization');
    if (value === undefined) return challenge;
    const key = createHash('sha256').update(value).digest('base64');
    if (remembered.has(key)) return undefined;
    if (!credentialsValid(htpasswd, value)) return challenge;
    if (remembered.size >= maxRemembered) remembered.clear();
    remembered.add(key);
    return undefined;
  };
}

function credentialsValid(htpasswd: Htpasswd, authorization: string): boolean {
  const m = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
  if (!m) return false;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const verify = htpasswd.users.get(decoded.slice(0, colon));
  return verify !== undefined && verify(decoded.slice(colon + 1));
}
