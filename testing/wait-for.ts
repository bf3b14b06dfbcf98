/**
 * Test helper: polls `probe` until it returns something other than undefined, null or false, and
 * returns that. A probe that throws counts as "not yet"; on timeout the error names `what` and
 * the last error (or value) seen.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${describeLast(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function describeLast(last: unknown): string {
  if (last instanceof Error) return `: ${last.message}`;
  return last === undefined ? '' : `; last: ${JSON.stringify(last)}`;
}
