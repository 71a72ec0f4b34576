import type { BinaryOperator, Node } from './ast.js';
import { checkFunctionName } from './builtins.js';
import { Lexer, type Punctuator, type Token } from './lexer.js';
import { ExpressionSyntaxError } from './types.js';

export const MAX_SOURCE_LENGTH = 16 * 1024;
/** Parentheses, prefix operators and `?:` branches inside one another. */
export const MAX_NESTING = 64;

/** Binary operators by JavaScript precedence, loosest first. */
const BINARY_LEVELS: readonly (readonly BinaryOperator[])[] = [
  ['==', '!=', '===', '!=='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

const KEYWORDS: ReadonlyMap<string, boolean | null | undefined> = new Map([
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
]);

/** Parses an `if` expression into a syntax tree; throws ExpressionSyntaxError. */
export function parse(source: string): Node {
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new ExpressionSyntaxError(`expression is longer than ${MAX_SOURCE_LENGTH} characters`, MAX_SOURCE_LENGTH);
  }
  return new Parser(source).parseAll();
}

class Parser {
  readonly #lexer: Lexer;
  #token: Token;
  #depth = 0;

  constructor(source: string) {
    this.#lexer = new Lexer(source);
    this.#token = this.#lexer.next();
  }

  parseAll(): Node {
    if (this.#atEnd()) throw new ExpressionSyntaxError('empty expression', 0);
    const node = this.#conditional();
    if (!this.#atEnd()) throw this.#unexpected();
    return node;
  }

  #advance(): void {
    this.#token = this.#lexer.next();
  }

  #atEnd(): boolean {
    return this.#token.kind === 'end';
  }

  #is(text: Punctuator): boolean {
    return this.#token.kind === 'punctuator' && this.#token.text === text;
  }

  #expect(text: Punctuator): void {
    if (!this.#is(text)) throw this.#unexpected(`expected "${text}"`);
    this.#advance();
  }

  #unexpected(expected?: string): ExpressionSyntaxError {
    const token = this.#token;
    const text = token.kind === 'punctuator' ? token.text : this.#lexer.source.slice(token.at, token.at + 20);
    const found = token.kind === 'end' ? 'end of expression' : `"${text}"`;
    const message = expected ? `${expected}, found ${found}` : `unexpected ${found}`;
    return new ExpressionSyntaxError(message, token.at);
  }

  /** Parses something nested one level deeper, starting at the current token. */
  #nested<T>(parse: () => T): T {
    if (++this.#depth > MAX_NESTING) {
      throw new ExpressionSyntaxError(`expression is nested more than ${MAX_NESTING} levels deep`, this.#token.at);
    }
    const node = parse();
    this.#depth--;
    return node;
  }

  #conditional(): Node {
    const test = this.#logical('or');
    if (!this.#is('?')) return test;
    this.#advance();
    const then = this.#nested(() => this.#conditional());
    this.#expect(':');
    return { kind: 'conditional', test, then, else: this.#nested(() => this.#conditional()), at: test.at };
  }

  #logical(kind: 'and' | 'or'): Node {
    const operator = kind === 'or' ? '||' : '&&';
    const operand = (): Node => (kind === 'or' ? this.#logical('and') : this.#binary(0));
    const first = operand();
    if (!this.#is(operator)) return first;
    const operands = [first];
    while (this.#is(operator)) {
      this.#advance();
      operands.push(operand());
    }
    return { kind, operands, at: first.at };
  }

  #binary(level: number): Node {
    if (level === BINARY_LEVELS.length) return this.#unary();
    const operators = BINARY_LEVELS[level];
    const first = this.#binary(level + 1);
    const rest: { operator: BinaryOperator; operand: Node }[] = [];
    for (;;) {
      const token = this.#token;
      if (token.kind !== 'punctuator' || !(operators as readonly string[]).includes(token.text)) break;
      this.#advance();
      rest.push({ operator: token.text as BinaryOperator, operand: this.#binary(level + 1) });
    }
    return rest.length === 0 ? first : { kind: 'binary', first, rest, at: first.at };
  }

  #unary(): Node {
    const token = this.#token;
    if (token.kind !== 'punctuator' || (token.text !== '!' && token.text !== '-' && token.text !== '+')) {
      return this.#primary();
    }
    const kind = token.text === '!' ? 'not' : token.text === '-' ? 'negate' : 'plus';
    return this.#nested(() => {
      this.#advance();
      return { kind, operand: this.#unary(), at: token.at };
    });
  }

  #primary(): Node {
    const token = this.#token;
    switch (token.kind) {
      case 'string':
      case 'number':
        this.#advance();
        return { kind: 'literal', value: token.value, at: token.at };
      case 'identifier': {
        if (!KEYWORDS.has(token.text)) {
          throw new ExpressionSyntaxError(`unknown name "${token.text}": a variable is written \${${token.text}}`, token.at);
        }
        this.#advance();
        return { kind: 'literal', value: KEYWORDS.get(token.text), at: token.at };
      }
      case 'channel':
      case 'global':
        this.#advance();
        return { kind: token.kind, name: token.name, at: token.at };
      case 'capture':
        this.#advance();
        return { kind: 'capture', reg: token.reg, group: token.group, at: token.at };
      case 'function':
        return this.#call(token.name, token.at);
      case 'punctuator':
        if (token.text === '(') {
          const inner = this.#nested(() => {
            this.#advance();
            return this.#conditional();
          });
          this.#expect(')');
          return inner;
        }
        throw this.#unexpected();
      case 'end':
        throw this.#unexpected('expected a value');
    }
  }

  /** The lexer has just read `&name(`; the current token is not yet read. */
  #call(name: string, at: number): Node {
    checkFunctionName(name, at);
    if (name === 'match') {
      const pattern = this.#lexer.rawArgument(name, true);
      this.#advance();
      this.#expect(',');
      const subject = this.#nested(() => this.#conditional());
      this.#expect(')');
      return { kind: 'match', pattern, subject, at };
    }
    const parameter = this.#lexer.rawArgument(name, false);
    this.#advance();
    this.#expect(')');
    return { kind: 'call', name, parameter: parameter.text === '' ? undefined : parameter, at };
  }
}
