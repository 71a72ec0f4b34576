/**
 * Lucene's regular expression syntax (what Elasticsearch's `regexp` query
 * reads) translated to RE2, so untrusted patterns run in linear time.
 * The whole value must match; optional operators follow `flags`.
 */
import { compilePattern, re2Literal, RE2_ANY_CHAR, type CompiledPattern, type ShapePiece } from './pattern.js';

export class RegexpSyntaxError extends Error {}

const FLAG_BITS = { INTERSECTION: 1, COMPLEMENT: 2, EMPTY: 4, ANYSTRING: 8, INTERVAL: 16 } as const;
const ALL_FLAGS = 0xff;

/** Parses `flags` ("ALL", "NONE", "INTERVAL|ANYSTRING", …). Throws RegexpSyntaxError. */
export function parseRegexpFlags(flags: string | undefined): number {
  if (flags === undefined || flags === '') return ALL_FLAGS;
  let bits = 0;
  for (const name of flags.split('|')) {
    const upper = name.trim().toUpperCase();
    if (upper === 'ALL') bits |= ALL_FLAGS;
    else if (upper === 'NONE') continue;
    else if (upper in FLAG_BITS) bits |= FLAG_BITS[upper as keyof typeof FLAG_BITS];
    else throw new RegexpSyntaxError(`Unknown regexp flag [${name}]`);
  }
  return bits;
}

interface Node {
  source: string;
  /** Literal/any-string decomposition; undefined once the node is more than that. */
  pieces: ShapePiece[] | undefined;
  /** Positions in the equivalent automaton, a proxy for the states determinizing it would take. */
  positions: number;
  isAnyChar?: boolean;
}

const SHORTHAND_CLASSES: Readonly<Record<string, string>> = {
  d: '[0-9]',
  D: '[^0-9]',
  s: '[\\t\\n\\x0B\\f\\r ]',
  S: '[^\\t\\n\\x0B\\f\\r ]',
  w: '[a-zA-Z_0-9]',
  W: '[^a-zA-Z_0-9]',
};

class LuceneRegexpParser {
  #position = 0;
  readonly #chars: string[];

  constructor(
    text: string,
    private readonly flags: number,
  ) {
    this.#chars = [...text];
  }

  parse(): Node {
    const node = this.#union();
    if (this.#position < this.#chars.length) throw this.#error('end-of-string expected');
    return node;
  }

  #error(message: string): RegexpSyntaxError {
    return new RegexpSyntaxError(`${message} at position ${this.#position}`);
  }

  #peek(candidates: string): boolean {
    const char = this.#chars[this.#position];
    return char !== undefined && candidates.includes(char);
  }

  #match(char: string): boolean {
    if (this.#chars[this.#position] !== char) return false;
    this.#position++;
    return true;
  }

  #next(): string {
    const char = this.#chars[this.#position++];
    if (char === undefined) throw this.#error('unexpected end-of-string');
    return char;
  }

  #has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  #union(): Node {
    const alternatives = [this.#intersection()];
    while (this.#match('|')) alternatives.push(this.#intersection());
    if (alternatives.length === 1) return alternatives[0];
    return {
      source: `(?:${alternatives.map((node) => node.source).join('|')})`,
      pieces: undefined,
      positions: alternatives.reduce((sum, node) => sum + node.positions, 0),
    };
  }

  #intersection(): Node {
    const node = this.#concatenation();
    if (this.#has(FLAG_BITS.INTERSECTION) && this.#peek('&')) {
      throw this.#error('the intersection operator & is not supported here; use flags without INTERSECTION or escape it');
    }
    return node;
  }

  #concatenation(): Node {
    const parts: Node[] = [];
    while (this.#position < this.#chars.length && !this.#peek(')|') && !(this.#has(FLAG_BITS.INTERSECTION) && this.#peek('&'))) {
      parts.push(this.#repeat());
    }
    const pieces: ShapePiece[] | undefined = parts.every((part) => part.pieces) ? parts.flatMap((part) => part.pieces!) : undefined;
    return {
      source: parts.map((part) => part.source).join(''),
      pieces,
      positions: parts.reduce((sum, part) => sum + part.positions, 0),
    };
  }

  #repeat(): Node {
    let node = this.#complement();
    while (this.#peek('?*+{')) {
      const operator = this.#next();
      if (operator === '{') {
        const min = this.#integer();
        let max: number | undefined = min;
        if (this.#match(',')) max = this.#peek('0123456789') ? this.#integer() : undefined;
        if (!this.#match('}')) throw this.#error("expected '}'");
        if (max !== undefined && max < min) throw this.#error('invalid repetition bounds');
        node = {
          source: `(?:${node.source}){${min},${max ?? ''}}`,
          pieces: undefined,
          positions: node.positions * Math.max(1, max ?? min + 1),
        };
        continue;
      }
      const anyString = operator === '*' && node.isAnyChar;
      node = {
        source: `(?:${node.source})${operator}`,
        pieces: anyString ? ['any'] : undefined,
        positions: node.positions * (operator === '+' ? 2 : 1),
      };
    }
    return node;
  }

  #integer(): number {
    const start = this.#position;
    while (this.#peek('0123456789')) this.#position++;
    if (start === this.#position) throw this.#error('integer expected');
    return Number(this.#chars.slice(start, this.#position).join(''));
  }

  #complement(): Node {
    if (this.#has(FLAG_BITS.COMPLEMENT) && this.#peek('~')) {
      throw this.#error('the complement operator ~ is not supported here; use flags without COMPLEMENT or escape it');
    }
    return this.#peek('[') ? this.#characterClass() : this.#simple();
  }

  #characterClass(): Node {
    this.#match('[');
    const negated = this.#match('^');
    let body = '';
    do {
      body += this.#classMember();
    } while (this.#position < this.#chars.length && !this.#peek(']'));
    if (!this.#match(']')) throw this.#error("expected ']'");
    return { source: `[${negated ? '^' : ''}${body}]`, pieces: undefined, positions: 1 };
  }

  #classMember(): string {
    if (this.#peek('\\') && this.#chars[this.#position + 1] in SHORTHAND_CLASSES) {
      this.#position++;
      const members = SHORTHAND_CLASSES[this.#next()].slice(1, -1);
      if (members.startsWith('^')) throw this.#error('negated shorthand classes are not allowed inside [ ]');
      return members;
    }
    const from = this.#characterCode();
    if (this.#match('-')) {
      const to = this.#characterCode();
      if (to < from) throw this.#error('invalid character class range');
      return `${re2Literal(from)}-${re2Literal(to)}`;
    }
    return re2Literal(from);
  }

  #characterCode(): number {
    this.#match('\\');
    return this.#next().codePointAt(0)!;
  }

  #simple(): Node {
    if (this.#match('.')) return { source: RE2_ANY_CHAR, pieces: undefined, positions: 1, isAnyChar: true };
    if (this.#has(FLAG_BITS.EMPTY) && this.#match('#')) return { source: '[^\\x{0}-\\x{10ffff}]', pieces: undefined, positions: 1 };
    if (this.#has(FLAG_BITS.ANYSTRING) && this.#match('@')) return { source: `${RE2_ANY_CHAR}*`, pieces: ['any'], positions: 1 };
    if (this.#match('"')) return this.#quoted();
    if (this.#match('(')) {
      if (this.#match(')')) return { source: '', pieces: [], positions: 0 };
      const inner = this.#union();
      if (!this.#match(')')) throw this.#error("expected ')'");
      return { source: `(?:${inner.source})`, pieces: inner.pieces, positions: inner.positions };
    }
    if (this.#has(FLAG_BITS.INTERVAL) && this.#peek('<')) return this.#interval();
    if (this.#peek('\\') && this.#chars[this.#position + 1] in SHORTHAND_CLASSES) {
      this.#position++;
      return { source: SHORTHAND_CLASSES[this.#next()], pieces: undefined, positions: 1 };
    }
    const char = String.fromCodePoint(this.#characterCode());
    return { source: re2Literal(char.codePointAt(0)!), pieces: [{ literal: char }], positions: 1 };
  }

  #quoted(): Node {
    let literal = '';
    while (!this.#match('"')) literal += this.#next();
    let source = '';
    for (const char of literal) source += re2Literal(char.codePointAt(0)!);
    return { source, pieces: [{ literal }], positions: [...literal].length };
  }

  /** `<min-max>`: decimal numbers in that range, zero-padded to the bounds' width when both have the same width. */
  #interval(): Node {
    this.#match('<');
    const start = this.#position;
    while (!this.#peek('>')) this.#next();
    const body = this.#chars.slice(start, this.#position).join('');
    this.#match('>');
    const bounds = /^(\d+)-(\d+)$/.exec(body);
    if (!bounds) throw this.#error(`named automata <${body}> are not supported; expected <min-max>`);
    const [, minText, maxText] = bounds;
    let [min, max] = [Number(minText), Number(maxText)];
    if (min > max) [min, max] = [max, min];
    if (max - min > 10_000) throw this.#error('numeric interval too large');
    const width = minText.length === maxText.length ? minText.length : 0;
    const numbers: string[] = [];
    for (let value = min; value <= max; value++) numbers.push(String(value).padStart(width, '0'));
    const alternatives = numbers.map((number) => [...number].map((digit) => re2Literal(digit.codePointAt(0)!)).join(''));
    return {
      source: `${width === 0 ? '0*' : ''}(?:${alternatives.join('|')})`,
      pieces: undefined,
      positions: numbers.length * maxText.length,
    };
  }
}

export interface RegexpOptions {
  flags?: string;
  caseInsensitive?: boolean;
  maxDeterminizedStates?: number;
}

export class RegexpTooComplexError extends Error {}

/** Compiles a Lucene regexp; throws RegexpSyntaxError or RegexpTooComplexError. */
export function compileLuceneRegexp(pattern: string, options: RegexpOptions = {}): CompiledPattern {
  const node = new LuceneRegexpParser(pattern, parseRegexpFlags(options.flags)).parse();
  const limit = options.maxDeterminizedStates ?? 10_000;
  if (node.positions > limit) {
    throw new RegexpTooComplexError(
      `Determinizing automaton would require more than ${limit} states; raise max_determinized_states or simplify [${pattern}]`,
    );
  }
  return compilePattern(node.source, options.caseInsensitive ?? false, node.pieces);
}
