/**
 * The bytes Kubernetes hashes for pod-template-hash: go-spew's `%#v` print of a core/v1
 * PodTemplateSpec (hashutil.DeepHashObject → dump.ForHash), rebuilt from the JSON object and the
 * Go type layout in go-types.generated.ts. The rules are spew's formatter:
 * - a value prints its type in parentheses, `(v1.PullPolicy)Always`, except where spew
 *   suppresses it: slice elements, map keys and values, and the target of a pointer whose type
 *   was just printed as `(*int64)30`;
 * - structs print every field, zero or not, as `{Name:value Name:value}`; strings print raw;
 * - nil pointers, slices and maps print `<nil>`; maps print `map[k:v k:v]` with sorted keys.
 * The controller manager reads objects as protobuf, where an empty list or map decodes as nil,
 * so empty ones print `<nil>` too.
 */
import { goTypes, type GoField } from './go-types.generated.js';

type Json = unknown;

/** Go's reflect Type.String(): both core/v1 and meta/v1 types print as `v1.`. */
export function goTypeString(t: string): string {
  if (t.startsWith('*')) return `*${goTypeString(t.slice(1))}`;
  if (t.startsWith('[]')) return `[]${goTypeString(t.slice(2))}`;
  const map = /^map\[([^\]]+)\](.*)$/.exec(t);
  if (map) return `map[${goTypeString(map[1])}]${goTypeString(map[2])}`;
  return t.replace(/^(core|meta)\./, 'v1.');
}

/** The go-spew `%#v` text of a PodTemplateSpec given as JSON. */
export function spewPodTemplateSpec(template: Json): string {
  return format('core.PodTemplateSpec', template ?? {}, true);
}

function format(t: string, v: Json, showType: boolean): string {
  if (t.startsWith('*')) return formatPointer(t, v, showType);
  const prefix = showType ? `(${goTypeString(t)})` : '';
  return prefix + formatBody(t, v);
}

function formatPointer(t: string, v: Json, showType: boolean): string {
  if (v === undefined || v === null) return showType ? `(${goTypeString(t)})<nil>` : '<nil>';
  const target = t.slice(1);
  return (showType ? `(*${goTypeString(target)})` : '<*>') + format(target, v, false);
}

function formatBody(t: string, v: Json): string {
  if (t.startsWith('[]')) return formatSlice(t.slice(2), v);
  const map = /^map\[([^\]]+)\](.*)$/.exec(t);
  if (map) return formatMap(map[2], v);
  switch (t) {
    case 'string':
      return typeof v === 'string' ? v : '';
    case 'bool':
      return v === true ? 'true' : 'false';
    case 'int32':
    case 'int64':
    case 'int':
      return String(typeof v === 'number' ? Math.trunc(v) : 0);
  }
  const decl = goTypes[t];
  if (decl === undefined) throw new Error(`spew: no Go layout for ${t}`);
  if (Array.isArray(decl)) return formatStruct(t, decl, v);
  switch (decl) {
    case 'quantity':
      return formatQuantity(v);
    case 'time':
      return formatTime(v);
    case 'fieldsv1':
      return '{Raw:([]uint8)<nil>}';
  }
  return formatBody(decl, v);
}

function formatSlice(elem: string, v: Json): string {
  if (!Array.isArray(v) || v.length === 0) return '<nil>';
  return `[${v.map((x) => format(elem, x, false)).join(' ')}]`;
}

/** Keys are strings (or named strings) everywhere in a pod template: sorted bytewise, printed raw. */
function formatMap(valueType: string, v: Json): string {
  if (!v || typeof v !== 'object' || Object.keys(v).length === 0) return '<nil>';
  const o = v as Record<string, Json>;
  const keys = Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `map[${keys.map((k) => `${k}:${format(valueType, o[k], false)}`).join(' ')}]`;
}

function formatStruct(t: string, fields: GoField[], v: Json): string {
  if (t === 'intstr.IntOrString') return formatIntOrString(v);
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, Json>;
  // An inline (embedded) struct reads its fields from the same JSON object.
  return `{${fields.map(([name, json, type, inline]) => `${name}:${format(type, inline ? o : o[json], true)}`).join(' ')}}`;
}

function formatIntOrString(v: Json): string {
  const isString = typeof v === 'string';
  return `{Type:(intstr.Type)${isString ? 1 : 0} IntVal:(int32)${isString ? 0 : Number(v ?? 0)} StrVal:(string)${isString ? v : ''}}`;
}

/**
 * metav1.Time wraps time.Time {wall, ext, loc}. Templates carry no timestamps (creationTimestamp
 * is null), which is the zero Time. A real one (UTC, second precision) has wall 0 and ext =
 * seconds since year 1; the controller manager would decode it in its local zone, which this
 * print assumes to be UTC.
 */
function formatTime(v: Json): string {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  const ext = Number.isNaN(ms) ? 0 : Math.floor(ms / 1000) + 62135596800;
  return `{Time:(time.Time){wall:(uint64)0 ext:(int64)${ext} loc:(*time.Location)<nil>}}`;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/**
 * resource.Quantity {i int64Amount{value, scale}, d infDecAmount{*inf.Dec}, s string, Format} as
 * ParseQuantity leaves it, for the values that fit its int64 fast path (integers and decimal
 * fractions within nano precision, whole binary multiples). Others take inf.Dec, whose big.Int
 * words are not reproduced here: those templates get a hash of their own.
 */
export function formatQuantity(v: Json): string {
  const str = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const q = parseQuantityFastPath(str);
  const i = q ? `{value:(int64)${q.value} scale:(resource.Scale)${q.scale}}` : '{value:(int64)0 scale:(resource.Scale)0}';
  const d = q ? '{Dec:(*inf.Dec)<nil>}' : `{Dec:(*inf.Dec){${str}}}`;
  return `{i:(resource.int64Amount)${i} d:(resource.infDecAmount)${d} s:(string)${q?.s ?? ''} Format:(resource.Format)${q?.format ?? ''}}`;
}

interface FastQuantity {
  value: bigint;
  scale: number;
  s: string;
  format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

function parseQuantityFastPath(str: string): FastQuantity | undefined {
  if (str === '0') return { value: 0n, scale: 0, s: '0', format: 'DecimalSI' };
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([eE][+-]?\d+|[a-zA-Z]*)$/.exec(str);
  if (!m || (m[2] === '' && m[3] === undefined)) return undefined;
  const negative = m[1] === '-';
  const num = m[2].replace(/^0+/, '') || '0';
  const denom = m[3] ?? '';
  const suffix = m[4];
  let exponent: number;
  let format: FastQuantity['format'];
  if (suffix in decimalSuffixes) [exponent, format] = [decimalSuffixes[suffix], 'DecimalSI'];
  else if (suffix in binarySuffixes) [exponent, format] = [binarySuffixes[suffix], 'BinarySI'];
  else if (/^[eE]/.test(suffix)) [exponent, format] = [Number(suffix.slice(1)), 'DecimalExponent'];
  else return undefined;
  const shifted = num + denom;
  const parsed = BigInt(shifted);
  if (format === 'BinarySI') {
    if (denom !== '' || exponent < 0) return undefined;
    const precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    if (precision < 0) return undefined;
    const value = parsed * (1n << BigInt(exponent));
    if (value > 9223372036854775807n) return undefined;
    const canonical = exponent % 10 === 0 && (parsed & 7n) !== 0n;
    return { value: negative ? -value : value, scale: 0, s: canonical ? str : '', format };
  }
  if (18 - (num.length + denom.length) < 0) return undefined;
  const scale = exponent - denom.length;
  if (scale < -9 || parsed > 9223372036854775807n) return undefined;
  const canonical = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  return { value: negative ? -parsed : parsed, scale, s: canonical ? str : '', format };
}
