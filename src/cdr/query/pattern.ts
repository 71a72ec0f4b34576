/**
 * A whole-value pattern (regexp, wildcard, prefix) compiled for linear-time
 * matching with RE2, plus its "shape" when it is just a literal, a literal
 * prefix or a literal suffix — the cases an index can answer.
 */
import RE2 from 're2';

export type PatternShape = { kind: 'exact' | 'prefix' | 'suffix'; literal: string };

export interface CompiledPattern {
  test(value: string): boolean;
  /** Present when the pattern is equivalent to a literal comparison (case-sensitive only). */
  shape?: PatternShape;
}

/** The pieces a pattern concatenates, as far as shape detection cares: literal text or "any string". */
export type ShapePiece = { literal: string } | 'any';

/** Wraps an RE2 source (already translated from Lucene/wildcard syntax) so it must match the whole value. */
export function compilePattern(re2Source: string, caseInsensitive: boolean, pieces: ShapePiece[] | undefined): CompiledPattern {
  const shape = caseInsensitive || !pieces ? undefined : shapeOf(pieces);
  if (shape) return { test: shapeTester(shape), shape };
  const regex = new RE2(`^(?:${re2Source})$`, caseInsensitive ? 'iu' : 'u');
  return { test: (value) => regex.test(value) };
}

export function shapeTester(shape: PatternShape): (value: string) => boolean {
  const { literal } = shape;
  switch (shape.kind) {
    case 'exact':
      return (value) => value === literal;
    case 'prefix':
      return (value) => value.startsWith(literal);
    case 'suffix':
      return (value) => value.endsWith(literal);
  }
}

function shapeOf(pieces: ShapePiece[]): PatternShape | undefined {
  const merged: ShapePiece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (piece === 'any' && last === 'any') continue;
    if (piece !== 'any' && last !== undefined && last !== 'any') merged[merged.length - 1] = { literal: last.literal + piece.literal };
    else merged.push(piece);
  }
  const [first, second] = merged;
  if (merged.length === 0) return { kind: 'exact', literal: '' };
  if (merged.length === 1) return first === 'any' ? { kind: 'prefix', literal: '' } : { kind: 'exact', literal: first.literal };
  if (merged.length === 2 && first === 'any' && second !== 'any') return { kind: 'suffix', literal: second.literal };
  if (merged.length === 2 && first !== 'any' && second === 'any') return { kind: 'prefix', literal: first.literal };
  return undefined;
}

/** A code point as an RE2 escape, so no character of user input is ever an operator. */
export function re2Literal(codePoint: number): string {
  return `\\x{${codePoint.toString(16)}}`;
}

export function re2LiteralString(text: string): string {
  let out = '';
  for (const char of text) out += re2Literal(char.codePointAt(0)!);
  return out;
}

export const RE2_ANY_CHAR = '(?s:.)';
