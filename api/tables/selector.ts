/**
 * Label maps and LabelSelectors rendered as text, as apimachinery does for SELECTOR-like cells:
 * `labels.FormatLabels` (maps) and `metav1.FormatLabelSelector` (selectors). Requirements are
 * sorted by key, multi-value sets are sorted, and a selector that would not parse upstream
 * (bad key, bad value, unknown operator, wrong value count) renders as an error marker.
 */
import { isPlainObject } from '../types.js';

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** `app=web,tier=db` with keys sorted; `<none>` for an empty or absent map. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  pairs.sort(compareStrings);
  return pairs.length === 0 ? '<none>' : pairs.join(',');
}

/**
 * `app=web,tier in (a,b)`; `<none>` for an absent or empty selector (upstream's Nothing and
 * Everything both print as empty); `<error>` when upstream would fail to convert it.
 */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const text = labelSelectorString(sel);
  if (text === undefined) return '<error>';
  return text === '' ? '<none>' : text;
}

/**
 * The selector's canonical string (`metav1.LabelSelectorAsSelector(sel).String()`): empty for
 * an absent or empty selector, undefined when the selector is invalid.
 */
export function labelSelectorString(sel: LabelSelector | undefined | null): string | undefined {
  if (!sel) return '';
  const requirements = toRequirements(sel);
  if (!requirements?.every(isValidRequirement)) return undefined;
  // Stable, like Go's insertion sort on the few requirements a selector has:
  // matchLabels keep their place ahead of expressions on the same key.
  requirements.sort((a, b) => compareStrings(a.key, b.key));
  return requirements.map(requirementString).join(',');
}

/** The selector as requirements; undefined when its JSON is not a LabelSelector at all. */
function toRequirements(sel: LabelSelector): Requirement[] | undefined {
  const out: Requirement[] = [];
  const matchLabels: unknown = sel.matchLabels ?? {};
  const matchExpressions: unknown = sel.matchExpressions ?? [];
  if (!isPlainObject(matchLabels) || !Array.isArray(matchExpressions)) return undefined;
  for (const [key, value] of Object.entries(matchLabels)) {
    if (typeof value !== 'string') return undefined;
    out.push({ key, op: 'Equals', values: [value] });
  }
  for (const expr of matchExpressions as unknown[]) {
    if (!isPlainObject(expr) || typeof expr.key !== 'string' || typeof expr.operator !== 'string') return undefined;
    const op = operators.get(expr.operator);
    const values: unknown = expr.values ?? [];
    if (!op || !Array.isArray(values) || !values.every((v) => typeof v === 'string')) return undefined;
    out.push({ key: expr.key, op, values: [...(values as string[])] });
  }
  return out;
}

type Operator = 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

/** A Map, so that names like `constructor` are not mistaken for operators. */
const operators = new Map<string, Operator>([
  ['In', 'In'],
  ['NotIn', 'NotIn'],
  ['Exists', 'Exists'],
  ['DoesNotExist', 'DoesNotExist'],
]);

function requirementString(r: Requirement): string {
  const values = [...r.values].sort(compareStrings).join(',');
  switch (r.op) {
    case 'Equals':
      return `${r.key}=${values}`;
    case 'In':
      return `${r.key} in (${values})`;
    case 'NotIn':
      return `${r.key} notin (${values})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

/** What `labels.NewRequirement` accepts. */
function isValidRequirement(r: Requirement): boolean {
  if (!isQualifiedName(r.key) || !r.values.every(isLabelValue)) return false;
  switch (r.op) {
    case 'Equals':
      return r.values.length === 1;
    case 'In':
    case 'NotIn':
      return r.values.length > 0;
    case 'Exists':
    case 'DoesNotExist':
      return r.values.length === 0;
  }
}

const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label key: `name` or `dns.prefix/name`, name at most 63 characters. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !dns1123Subdomain.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && qualifiedNamePart.test(name);
}

/** A label value: empty, or at most 63 alphanumerics with `-_.` inside. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && qualifiedNamePart.test(value));
}

/** Byte-order comparison, as Go's sort.Strings (localeCompare would reorder case and symbols). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
