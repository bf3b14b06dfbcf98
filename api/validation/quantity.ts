/**
 * resource.Quantity text ("500m", "1Gi", "1e3"): enough parsing to check the format and compare
 * sizes. Upstream rejects a malformed quantity while decoding; here it becomes a field error with
 * the decoder's message.
 */
export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantitySuffixError = "unable to parse quantity's suffix";

const multipliers: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export type ParsedQuantity = { ok: true; value: number } | { ok: false; error: string };

export function parseQuantity(input: unknown): ParsedQuantity {
  if (typeof input === 'number') return { ok: true, value: input };
  const text = typeof input === 'string' ? input.trim() : '';
  const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text);
  if (!m || !/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(m[1])) return { ok: false, error: quantityFormatError };
  const base = Number(m[1]);
  const suffix = m[2];
  if (suffix in multipliers) return { ok: true, value: base * multipliers[suffix] };
  const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (exp) return { ok: true, value: base * 10 ** Number(exp[1]) };
  return { ok: false, error: quantitySuffixError };
}

/** The text to show for a quantity in a message. */
export function quantityText(input: unknown): string {
  return typeof input === 'number' ? String(input) : String(input ?? '');
}
