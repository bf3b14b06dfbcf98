/**
 * pod-template-hash, as the Deployment controller computes it (controller.ComputeHash): FNV-32a
 * over a deep print of the PodTemplateSpec, then the collision count as 4 little-endian bytes
 * padded to 8, then the decimal sum encoded with rand.SafeEncodeString's alphabet.
 *
 * Upstream prints the Go struct with go-spew (`%#v`, sorted map keys), so its bytes depend on the
 * Go type definitions of the Kubernetes version. We print the JSON object in a stable, sorted
 * form instead: the format and alphabet match upstream, the value does not (see README).
 */

/** apimachinery util/rand: no vowels and no look-alike digits, so no words and no 0/O or 1/l. */
export const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) out += safeAlphabet[byte % safeAlphabet.length];
  return out;
}

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;

export class Fnv32a {
  #h = fnvOffset;
  write(bytes: Uint8Array): this {
    for (const b of bytes) this.#h = Math.imul(this.#h ^ b, fnvPrime) >>> 0;
    return this;
  }
  sum32(): number {
    return this.#h >>> 0;
  }
}

/** A stable print of a JSON value: object keys sorted, so equal objects print equal bytes. */
export function deepPrint(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(deepPrint).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${deepPrint((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function computeHash(template: unknown, collisionCount?: number): string {
  const hasher = new Fnv32a().write(Buffer.from(deepPrint(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    hasher.write(bytes);
  }
  return safeEncodeString(String(hasher.sum32()));
}
