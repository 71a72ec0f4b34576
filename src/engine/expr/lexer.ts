import { ExpressionSyntaxError } from './types.js';

export type Punctuator =
  | '(' | ')' | '?' | ':' | ',' | '!' | '+' | '-' | '*' | '/' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!=' | '===' | '!==' | '&&' | '||'
  // Read so that `--x` and `1++` are errors as in JavaScript, not two signs.
  | '++' | '--';

export type Token =
  | { kind: 'punctuator'; text: Punctuator; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'identifier'; text: string; at: number }
  | { kind: 'channel' | 'global'; name: string; at: number }
  | { kind: 'capture'; reg: number; group: number; at: number }
  /** `&name(`: the lexer stops after the parenthesis; the parser reads the arguments. */
  | { kind: 'function'; name: string; at: number }
  | { kind: 'end'; at: number };

/** The raw text of a built-in's argument and where it starts in the source. */
export interface RawArgument {
  text: string;
  at: number;
}

// Longest first, so `===` is not read as `==` `=`.
const PUNCTUATORS: readonly Punctuator[] = [
  '===', '!==', '==', '!=', '<=', '>=', '&&', '||', '++', '--',
  '(', ')', '?', ':', ',', '!', '+', '-', '*', '/', '%', '<', '>',
];
const NUMBER = /0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const LEADING_ZERO = /^0\d/;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const CAPTURE = /&reg(\d+)\.\$(\d+)/y;
const WHITESPACE = /\s/;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v' };

/** Splits an expression's source into tokens, one at a time. */
export class Lexer {
  #at = 0;

  constructor(readonly source: string) {}

  next(): Token {
    this.#skipWhitespace();
    const at = this.#at;
    const source = this.source;
    if (at >= source.length) return { kind: 'end', at };
    const char = source[at];
    if (char === '"' || char === "'") return { kind: 'string', value: this.#string(), at };
    if ((char >= '0' && char <= '9') || (char === '.' && /\d/.test(source[at + 1] ?? ''))) {
      return { kind: 'number', value: this.#number(), at };
    }
    if (char === '$') return this.#variable();
    if (char === '&' && source[at + 1] !== '&') return this.#reference();
    IDENTIFIER.lastIndex = at;
    const identifier = IDENTIFIER.exec(source);
    if (identifier) {
      this.#at += identifier[0].length;
      return { kind: 'identifier', text: identifier[0], at };
    }
    for (const text of PUNCTUATORS) {
      if (source.startsWith(text, at)) {
        this.#at += text.length;
        return { kind: 'punctuator', text, at };
      }
    }
    throw new ExpressionSyntaxError(`unexpected character ${JSON.stringify(char)}`, at);
  }

  /**
   * A built-in's parameter, taken as written (no escape processing, so a
   * regexp's backslashes survive): a quoted string, or the text up to the next
   * `)` — or `,` when `stopAtComma` — trimmed.
   */
  rawArgument(functionName: string, stopAtComma: boolean): RawArgument {
    this.#skipWhitespace();
    const source = this.source;
    const quote = source[this.#at];
    if (quote === '"' || quote === "'") {
      const start = this.#at + 1;
      let end = start;
      while (end < source.length && source[end] !== quote) end += source[end] === '\\' ? 2 : 1;
      if (end >= source.length) throw new ExpressionSyntaxError('unterminated string', start - 1);
      this.#at = end + 1;
      return { text: source.slice(start, end), at: start };
    }
    const start = this.#at;
    let end = start;
    while (end < source.length && source[end] !== ')' && !(stopAtComma && source[end] === ',')) end++;
    if (end >= source.length) throw new ExpressionSyntaxError(`missing ")" after &${functionName}(`, source.length);
    this.#at = end;
    const raw = source.slice(start, end);
    return { text: raw.trim(), at: start + (raw.length - raw.trimStart().length) };
  }

  #skipWhitespace(): void {
    while (this.#at < this.source.length && WHITESPACE.test(this.source[this.#at])) this.#at++;
  }

  #number(): number {
    const at = this.#at;
    NUMBER.lastIndex = at;
    const text = NUMBER.exec(this.source)?.[0] ?? '';
    const after = this.source[at + text.length] ?? '';
    if (LEADING_ZERO.test(text) || /[\w$.]/.test(after)) {
      throw new ExpressionSyntaxError('invalid number', at);
    }
    this.#at += text.length;
    return Number(text);
  }

  /** `${name}` or `$${name}`: the name runs to the closing brace. */
  #variable(): Token {
    const at = this.#at;
    const source = this.source;
    const global = source.startsWith('$${', at);
    const open = global ? at + 2 : at + 1;
    if (source[open] !== '{') {
      throw new ExpressionSyntaxError('unexpected "$": variables are written ${name} and $${name}', at);
    }
    const close = source.indexOf('}', open);
    if (close === -1) throw new ExpressionSyntaxError('missing "}" after "${"', at);
    const name = source.slice(open + 1, close).trim();
    if (name === '') throw new ExpressionSyntaxError('empty variable name', at);
    this.#at = close + 1;
    return { kind: global ? 'global' : 'channel', name, at };
  }

  /** `&reg0.$1` (a capture of an earlier `&match`) or `&name(` (a built-in). */
  #reference(): Token {
    const at = this.#at;
    const source = this.source;
    CAPTURE.lastIndex = at;
    const capture = CAPTURE.exec(source);
    if (capture) {
      this.#at += capture[0].length;
      return { kind: 'capture', reg: Number(capture[1]), group: Number(capture[2]), at };
    }
    IDENTIFIER.lastIndex = at + 1;
    const name = IDENTIFIER.exec(source)?.[0];
    if (!name) throw new ExpressionSyntaxError('expected a function name after "&"', at);
    this.#at = at + 1 + name.length;
    this.#skipWhitespace();
    if (source[this.#at] !== '(') throw new ExpressionSyntaxError(`expected "(" after &${name}`, this.#at);
    this.#at++;
    return { kind: 'function', name, at };
  }

  /** A JavaScript string literal with its escapes. */
  #string(): string {
    const source = this.source;
    const start = this.#at;
    const quote = source[start];
    let value = '';
    let at = start + 1;
    for (;;) {
      const char = source[at];
      if (char === undefined || LINE_TERMINATOR.test(char)) {
        throw new ExpressionSyntaxError('unterminated string', start);
      }
      if (char === quote) break;
      if (char !== '\\') {
        value += char;
        at++;
        continue;
      }
      const escaped = this.#escape(at);
      value += escaped.value;
      at = escaped.end;
    }
    this.#at = at + 1;
    return value;
  }

  /** The escape sequence starting with the backslash at `at`. */
  #escape(at: number): { value: string; end: number } {
    const source = this.source;
    const char = source[at + 1] ?? '';
    if (char in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[char], end: at + 2 };
    if (char === '\r' && source[at + 2] === '\n') return { value: '', end: at + 3 };
    if (LINE_TERMINATOR.test(char)) return { value: '', end: at + 2 };
    if (char === '0' && !/\d/.test(source[at + 2] ?? '')) return { value: '\0', end: at + 2 };
    if (/\d/.test(char)) throw new ExpressionSyntaxError('octal escape sequences are not allowed', at);
    if (char === 'x') return { value: this.#codePoint(source.slice(at + 2, at + 4), 2, at), end: at + 4 };
    if (char === 'u' && source[at + 2] === '{') {
      const close = source.indexOf('}', at + 3);
      const digits = close === -1 ? '' : source.slice(at + 3, close);
      return { value: this.#codePoint(digits, -1, at), end: close + 1 };
    }
    if (char === 'u') return { value: this.#codePoint(source.slice(at + 2, at + 6), 4, at), end: at + 6 };
    if (char === '') throw new ExpressionSyntaxError('unterminated string', at);
    return { value: char, end: at + 2 };
  }

  /** `length` -1: 1–6 digits of `\u{…}`, at most 0x10FFFF. */
  #codePoint(digits: string, length: number, at: number): string {
    const valid = /^[0-9a-fA-F]+$/.test(digits) && (length === -1 ? digits.length <= 6 : digits.length === length);
    const code = valid ? parseInt(digits, 16) : Number.NaN;
    if (!(code <= 0x10ffff)) throw new ExpressionSyntaxError('invalid escape sequence', at);
    return String.fromCodePoint(code);
  }
}
