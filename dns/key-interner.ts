/**
 * Reply-cache keys without a new string per query. A key is the request's question (and OPT)
 * bytes as a latin1 string (wire-read.ts replyCacheKey); slicing it off every request would make
 * ~60 bytes of garbage per query, about a tenth of what a cached UDP answer costs in all, and
 * garbage per query is what sets how often V8 pauses to scavenge (gc-tuning.ts). Here the bytes
 * are hashed and compared with the keys made before, and the string made the first time is
 * returned again: a hit allocates nothing.
 */
import { headerLength } from './wire-read.js';

export class KeyInterner {
  /** Keys by a 30-bit hash of their bytes (a small integer: no number box per lookup). */
  readonly #byHash = new Map<number, string | string[]>();
  #count = 0;

  /** Past `maxKeys` distinct keys the table starts over (keys in use elsewhere stay valid). */
  constructor(readonly maxKeys: number) {}

  get size(): number {
    return this.#count;
  }

  /** The key of req[12, end): equal to replyCacheKey(req), the same string for the same bytes. */
  intern(req: Uint8Array, end: number): string {
    let h = 0x811c9dc5;
    for (let i = headerLength; i < end; i++) h = Math.imul(h ^ req[i]!, 0x01000193);
    h &= 0x3fffffff;
    const found = this.#byHash.get(h);
    if (typeof found === 'string') {
      if (sameBytes(found, req, end)) return found;
    } else if (found) {
      for (const k of found) if (sameBytes(k, req, end)) return k;
    }
    if (this.#count >= this.maxKeys) this.clear();
    const key = Buffer.prototype.latin1Slice.call(req, headerLength, end) as string;
    const now = this.#byHash.get(h);
    this.#byHash.set(h, now === undefined ? key : typeof now === 'string' ? [now, key] : [...now, key]);
    this.#count++;
    return key;
  }

  clear(): void {
    this.#byHash.clear();
    this.#count = 0;
  }
}

function sameBytes(key: string, req: Uint8Array, end: number): boolean {
  if (key.length !== end - headerLength) return false;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== req[headerLength + i]) return false;
  return true;
}
