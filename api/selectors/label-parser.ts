/**
 * The label selector string syntax, parsed the way apimachinery's labels.Parse does it so that
 * every error message matches (kubectl sends `-l` verbatim and prints the server's answer):
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= ["!"] KEY [ ("in"|"notin") "(" values ")" | ("="|"=="|"!="|"gt"|"lt"... ) VALUE ]
 */
import { type Operator, type Requirement, SelectorError, binaryOperators, keyError, newRequirement } from './requirement.js';

type TokenKind =
  | 'error'
  | 'end'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  kind: TokenKind;
  literal: string;
}

const keywordTokens: Record<string, TokenKind> = {
  ')': 'closePar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string) => '=!(),><'.includes(ch);

/** Splits the input into tokens; Go's lexer reads bytes, a NUL ends the input like the end does. */
function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const peek = () => (pos < input.length ? input[pos] : '\0');
  for (;;) {
    while (isWhitespace(peek())) pos++;
    const ch = peek();
    if (ch === '\0') {
      tokens.push({ kind: 'end', literal: '' });
      return tokens;
    }
    tokens.push(isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdentifierOrKeyword());
  }

  // Longest run of special symbols that still forms a known operator ("!=" but "!" then "(").
  function scanSpecialSymbol(): Token {
    let buffer = '';
    let last: Token | undefined;
    while (isSpecialSymbol(peek())) {
      const next = buffer + peek();
      const kind = keywordTokens[next];
      if (kind) {
        buffer = next;
        last = { kind, literal: next };
        pos++;
      } else if (last) {
        break;
      } else {
        buffer = next;
        pos++;
      }
    }
    return last ?? { kind: 'error', literal: `error expected: keyword found '${buffer}'` };
  }

  function scanIdentifierOrKeyword(): Token {
    let buffer = '';
    while (peek() !== '\0' && !isSpecialSymbol(peek()) && !isWhitespace(peek())) buffer += input[pos++];
    return { kind: keywordTokens[buffer] ?? 'identifier', literal: buffer };
  }
}

/** In value position `in`/`notin` are ordinary identifiers ('x in (in)'). */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  private lookahead(context: Context): Token {
    return this.asContext(this.tokens[this.position], context);
  }

  private consume(context: Context): Token {
    return this.asContext(this.tokens[this.position++], context);
  }

  private asContext(t: Token, context: Context): Token {
    if (context === 'values' && (t.kind === 'in' || t.kind === 'notIn')) return { kind: 'identifier', literal: t.literal };
    return t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = this.lookahead('values');
      if (t.kind === 'end') return requirements;
      if (t.kind !== 'identifier' && t.kind !== 'doesNotExist') throw new SelectorError(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.consume('values');
      if (after.kind === 'end') return requirements;
      if (after.kind !== 'comma') throw new SelectorError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const next = this.lookahead('values');
      if (next.kind !== 'identifier' && next.kind !== 'doesNotExist') throw new SelectorError(`found '${next.literal}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    // sets.String.List(): unique and sorted.
    return newRequirement(key, op, [...new Set(values)].sort());
  }

  private parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let t = this.consume('values');
    let operator: Operator | undefined;
    if (t.kind === 'doesNotExist') {
      operator = '!';
      t = this.consume('values');
    }
    if (t.kind !== 'identifier') throw new SelectorError(`found '${t.literal}', expected: identifier`);
    // The parser validates with a nil field path, which Go prints as "<nil>".
    const err = keyError(t.literal, '<nil>');
    if (err) throw new SelectorError(err);
    const next = this.lookahead('values').kind;
    if ((next === 'end' || next === 'comma') && operator !== '!') operator = 'exists';
    return { key: t.literal, operator };
  }

  private parseOperator(): Operator {
    const t = this.consume('keyAndOperator');
    const ops: Partial<Record<TokenKind, Operator>> = { in: 'in', equals: '=', doubleEquals: '==', greaterThan: 'gt', lessThan: 'lt', notIn: 'notin', notEquals: '!=' };
    const op = ops[t.kind];
    if (!op) throw new SelectorError(`found '${t.literal}', expected: ${binaryOperators.join(', ')}`);
    return op;
  }

  private parseValues(): string[] {
    const open = this.consume('values');
    if (open.kind !== 'openPar') throw new SelectorError(`found '${open.literal}' expected: '('`);
    const t = this.lookahead('values');
    if (t.kind === 'closePar') {
      this.consume('values');
      return [''];
    }
    if (t.kind !== 'identifier' && t.kind !== 'comma') throw new SelectorError(`found '${t.literal}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume('values').kind !== 'closePar') throw new SelectorError(`found '${t.literal}', expected: ')'`);
    return values;
  }

  /** Comma separated, possibly empty identifiers: "(a,,b)" and "(,a)" include "". */
  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const t = this.consume('values');
      if (t.kind === 'identifier') {
        values.push(t.literal);
        const next = this.lookahead('values');
        if (next.kind === 'comma') continue;
        if (next.kind === 'closePar') return values;
        throw new SelectorError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (t.kind !== 'comma') throw new SelectorError(`found '${t.literal}', expected: ',', or identifier`);
      if (values.length === 0) values.push('');
      const next = this.lookahead('values');
      if (next.kind === 'closePar') {
        values.push('');
        return values;
      }
      if (next.kind === 'comma') {
        // 1.32 consumes the second comma here.
        this.consume('values');
        values.push('');
      }
    }
  }

  private parseExactValue(): string[] {
    const t = this.lookahead('values');
    if (t.kind === 'end' || t.kind === 'comma') return [''];
    const v = this.consume('values');
    if (v.kind === 'identifier') return [v.literal];
    throw new SelectorError(`found '${v.literal}', expected: identifier`);
  }
}

/** labels.Parse: the requirements sorted by key, or a SelectorError with the apiserver's text. */
export function parseRequirements(selector: string): Requirement[] {
  const requirements = new Parser(lex(selector)).parse();
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
