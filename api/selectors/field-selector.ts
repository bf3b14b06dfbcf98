/**
 * Field selectors (`fieldSelector=a=b,c!=d`): apimachinery's fields.ParseSelector followed by the
 * per-kind label conversion the apiserver applies (see field-sets.ts). Only `=`, `==` and `!=`;
 * `\`, `,` and `=` in values are backslash-escaped.
 */
import { badRequest } from '../errors.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { fieldLabelRules } from './field-sets.js';

export interface FieldSelector {
  matches(obj: KubeObject): boolean;
  /** True when nothing is restricted. */
  readonly empty: boolean;
  /** The exact value required for `metadata.name=X`, if any (watch fast path). */
  requiredName?: string;
}

interface Term {
  field: string;
  value: string;
  negated: boolean;
}

/** Splits on commas that are not backslash-escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// `==` before `=` so no `=` is left on the value; the first position with any operator wins.
const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v: its code point.
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

function parseTerms(selector: string): Term[] {
  // Go sorts the raw terms bytewise before parsing, which fixes which error is reported first.
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const terms: Term[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push({ field: split.lhs, value: unescapeValue(split.rhs), negated: split.op === '!=' });
  }
  return terms;
}

/** Parses `fieldSelector` for one resource; unsupported fields get the apiserver's 400 text for that kind. */
export function parseFieldSelector(s: string, info: ResourceInfo): FieldSelector {
  const rules = fieldLabelRules(info);
  const terms = parseTerms(s).map((t) => {
    try {
      return { ...t, field: rules.convert(t.field) };
    } catch (e) {
      throw badRequest((e as Error).message);
    }
  });
  const nameTerm = terms.find((t) => !t.negated && t.field === 'metadata.name');
  return {
    empty: terms.length === 0,
    requiredName: nameTerm?.value,
    matches(obj: KubeObject): boolean {
      if (terms.length === 0) return true;
      const fields = rules.fieldsOf(obj);
      return terms.every((t) => ((fields[t.field] ?? '') === t.value) !== t.negated);
    },
  };
}
