/**
 * pod-template-hash, as the Deployment controller computes it (controller.ComputeHash): FNV-32a
 * over a deep print of the PodTemplateSpec, then the collision count as 4 little-endian bytes
 * padded to 8, then the decimal sum encoded with rand.SafeEncodeString's alphabet.
 *
 * The print is go-spew's, rebuilt in spew.ts from the Go type layout of Kubernetes v1.32, so the
 * same manifest gets the same ReplicaSet name as on a v1.32 cluster (the walkthrough's nginx
 * Deployment is nginx-5869d7778c there and here).
 */
import { spewPodTemplateSpec } from './spew.js';

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

export function computeHash(template: unknown, collisionCount?: number): string {
  const hasher = new Fnv32a().write(Buffer.from(spewPodTemplateSpec(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    hasher.write(bytes);
  }
  return safeEncodeString(String(hasher.sum32()));
}
