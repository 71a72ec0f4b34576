/**
 * Elasticsearch `wildcard` patterns: `*` any sequence, `?` one character,
 * `\` makes the next character literal. Whole-value match, run with RE2.
 */
import { compilePattern, re2Literal, RE2_ANY_CHAR, type CompiledPattern, type ShapePiece } from './pattern.js';

export function compileWildcard(pattern: string, caseInsensitive = false): CompiledPattern {
  let source = '';
  const pieces: ShapePiece[] = [];
  let onlyLiteralsAndStars = true;
  const chars = [...pattern];
  for (let index = 0; index < chars.length; index++) {
    let char = chars[index];
    if (char === '*') {
      source += `${RE2_ANY_CHAR}*`;
      pieces.push('any');
      continue;
    }
    if (char === '?') {
      source += RE2_ANY_CHAR;
      onlyLiteralsAndStars = false;
      continue;
    }
    // A trailing backslash escapes nothing and stays a literal backslash.
    if (char === '\\' && index + 1 < chars.length) char = chars[++index];
    source += re2Literal(char.codePointAt(0)!);
    pieces.push({ literal: char });
  }
  return compilePattern(source, caseInsensitive, onlyLiteralsAndStars ? pieces : undefined);
}
