/**
 * Label selectors: from the `labelSelector` query string and from metav1.LabelSelector specs
 * (Deployment/ReplicaSet `spec.selector`), with labels.Everything/Nothing semantics.
 */
import { badRequest } from '../errors.js';
import { isPlainObject } from '../types.js';
import { type Operator, type Requirement, SelectorError, newRequirement, requirementMatches, requirementString } from './requirement.js';
import { parseRequirements } from './label-parser.js';

export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector does not restrict anything (labels.Everything). */
  readonly empty: boolean;
  toString(): string;
}

class RequirementsSelector implements LabelSelector {
  constructor(private readonly requirements: readonly Requirement[]) {}
  get empty(): boolean {
    return this.requirements.length === 0;
  }
  matches(labels: Record<string, string> | undefined): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels ?? {}));
  }
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

/** labels.Nothing(): what a nil metav1.LabelSelector converts to. */
const nothing: LabelSelector = { matches: () => false, empty: false, toString: () => '' };

/** Parses the `labelSelector` query parameter; a bad selector is a 400 with the parser's message. */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return new RequirementsSelector(parseRequirements(s));
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

const specOperators: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

function stringRecord(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== 'string')) throw new SelectorError(`${what} must be a map of strings`);
  return v as Record<string, string>;
}

function expressionRequirement(expr: unknown): Requirement {
  if (!isPlainObject(expr)) throw new SelectorError('matchExpressions entries must be objects');
  const operator = String(expr.operator ?? '');
  const op = specOperators[operator];
  if (!op) throw new SelectorError(`${JSON.stringify(operator)} is not a valid label selector operator`);
  const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
  return newRequirement(String(expr.key ?? ''), op, values);
}

/** metav1.LabelSelectorAsSelector: nil/absent → matches nothing, `{}` → matches everything. */
export function labelSelectorFromSpec(spec: unknown): LabelSelector {
  if (spec === undefined || spec === null) return nothing;
  try {
    if (!isPlainObject(spec)) throw new SelectorError('a label selector must be an object');
    const matchLabels = stringRecord(spec.matchLabels, 'matchLabels');
    const expressions = spec.matchExpressions ?? [];
    if (!Array.isArray(expressions)) throw new SelectorError('matchExpressions must be a list');
    // Go walks matchLabels in random map order; sorted keys make the first error deterministic.
    const fromLabels = Object.keys(matchLabels)
      .sort()
      .map((k) => newRequirement(k, '=', [matchLabels[k]]));
    const requirements = [...fromLabels, ...expressions.map(expressionRequirement)];
    return new RequirementsSelector(requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}
