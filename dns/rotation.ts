/**
 * Round-robin for cached replies (CoreDNS's loadbalance plugin shuffles A and AAAA answers so
 * clients of a headless Service spread over its endpoints). A reply whose Answer section is n
 * records of one fixed size — A or AAAA owned by a pointer to the question — is rotated by one
 * record each time it is served, in place in the cached bytes (no allocation per query).
 */

export interface Rotatable {
  readonly start: number;
  readonly size: number;
  readonly count: number;
}

/** Where the Answer section of `reply` can be rotated, or undefined. */
export function findRotatable(reply: Buffer, questionEnd: number): Rotatable | undefined {
  const count = reply.readUInt16BE(6);
  if (count < 2 || reply.length < questionEnd + 12) return undefined;
  const rdlength = reply.readUInt16BE(questionEnd + 10);
  const type = reply.readUInt16BE(questionEnd + 2);
  if (!((type === 1 && rdlength === 4) || (type === 28 && rdlength === 16))) return undefined;
  const size = 12 + rdlength;
  if (questionEnd + count * size > reply.length) return undefined;
  for (let i = 0; i < count; i++) {
    const at = questionEnd + i * size;
    if (reply[at] !== 0xc0 || reply[at + 1] !== 12 || reply.readUInt16BE(at + 2) !== type || reply.readUInt16BE(at + 10) !== rdlength) return undefined;
  }
  return { start: questionEnd, size, count };
}

/** Room for one record while the others move up: the largest is an AAAA (12 + 16 bytes). */
const spare = Buffer.allocUnsafe(28);

/**
 * Rotates the answers of `reply` left by one record, in place. The first record is moved by hand:
 * Buffer#copy of a sub-range allocates a view per call, which this path exists to avoid.
 */
export function rotateInPlace(reply: Buffer, r: Rotatable): void {
  const last = r.start + (r.count - 1) * r.size;
  for (let i = 0; i < r.size; i++) spare[i] = reply[r.start + i]!;
  reply.copyWithin(r.start, r.start + r.size, last + r.size);
  for (let i = 0; i < r.size; i++) reply[last + i] = spare[i]!;
}
