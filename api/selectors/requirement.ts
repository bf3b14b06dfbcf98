/**
 * One label requirement (`key op values`) as apimachinery's labels.Requirement defines it: how it
 * is validated (NewRequirement), how it matches, and how it prints.
 */
import { GoRepr, fieldErrorText } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

/** selection.Operator values; the strings are the ones Go prints in messages. */
export type Operator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

export const binaryOperators: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const unaryOperators: readonly Operator[] = ['exists', '!'];

/** A selector string or spec the apiserver rejects; `message` is its exact text. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** Go's `%#v` of a []string, as field.Invalid prints it. */
function goStrings(values: readonly string[]): GoRepr {
  return new GoRepr(`[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`);
}

/** utilerrors.NewAggregate(...).Error(): duplicates dropped, several wrapped in brackets. */
export function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

export function keyError(key: string, field: string): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? fieldErrorText({ type: 'FieldValueInvalid', field, value: key, detail: errs.join('; ') }) : undefined;
}

function operatorErrors(op: Operator, values: readonly string[]): string[] {
  const invalid = (field: string, value: unknown, detail: string) => fieldErrorText({ type: 'FieldValueInvalid', field, value, detail });
  switch (op) {
    case 'in':
    case 'notin':
      return values.length === 0 ? [invalid('values', goStrings(values), "for 'in', 'notin' operators, values set can't be empty")] : [];
    case '=':
    case '==':
    case '!=':
      return values.length !== 1 ? [invalid('values', goStrings(values), 'exact-match compatibility requires one single value')] : [];
    case 'exists':
    case '!':
      return values.length !== 0 ? [invalid('values', goStrings(values), 'values set must be empty for exists and does not exist')] : [];
    case 'gt':
    case 'lt': {
      const errs = values.length !== 1 ? [invalid('values', goStrings(values), "for 'Gt', 'Lt' operators, exactly one value is required")] : [];
      values.forEach((v, i) => {
        if (parseGoInt64(v) === undefined) errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      return errs;
    }
  }
}

/** labels.NewRequirement with a nil path: throws a SelectorError carrying the aggregated field errors. */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const errs: string[] = [];
  const ke = keyError(key, 'key');
  if (ke) errs.push(ke);
  if (![...binaryOperators, ...unaryOperators].includes(operator)) {
    const supported = [...binaryOperators, ...unaryOperators].map((o) => JSON.stringify(o)).join(', ');
    errs.push(`operator: Unsupported value: ${JSON.stringify(operator)}: supported values: ${supported}`);
  } else {
    errs.push(...operatorErrors(operator, values));
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(fieldErrorText({ type: 'FieldValueInvalid', field: `values[${i}][${key}]`, value: v, detail: ve.join('; ') }));
  });
  if (errs.length) throw new SelectorError(aggregate(errs));
  return { key, operator, values: [...values] };
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, in range. */
export function parseGoInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < int64Min || n > int64Max ? undefined : n;
}

export function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const actual = parseGoInt64(value as string);
      const bound = parseGoInt64(r.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const operatorText: Record<Operator, string> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '' };

/** Requirement.String(): values sorted, set operators parenthesised. */
export function requirementString(r: Requirement): string {
  const prefix = r.operator === '!' ? '!' : '';
  if (r.operator === 'exists' || r.operator === '!') return `${prefix}${r.key}`;
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${operatorText[r.operator]}${body}`;
}
