/**
 * Round-robin for cached replies (CoreDNS's loadbalance plugin shuffles A and AAAA answers so
 * clients of a headless Service spread over its endpoints). A reply whose Answer section is n
 * records of one fixed size — A or AAAA owned by a pointer to the question — is rotated by a
 * different offset each time it is served, straight in the bytes.
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

/** A copy of `reply` with its answers rotated left by `by` records. */
export function rotatedCopy(reply: Buffer, r: Rotatable, by: number): Buffer {
  const out = Buffer.allocUnsafe(reply.length);
  const shift = (by % r.count) * r.size;
  const total = r.count * r.size;
  const end = r.start + total;
  reply.copy(out, 0, 0, r.start);
  reply.copy(out, r.start, r.start + shift, end);
  reply.copy(out, r.start + total - shift, r.start, r.start + shift);
  reply.copy(out, end, end);
  return out;
}
