/**
 * Escaping of values substituted into query text (a caller ID pasted into a
 * `regexp`, `wildcard` or `query_string` of a routing schema), so that the
 * value only ever matches itself literally.
 */

/** Every character Lucene's regexp syntax gives a meaning, including the optional operators of `flags: ALL`. */
const REGEXP_SPECIALS = /[.?+*|{}[\]()"\\#@&<>~]/g;

export function escapeRegexpLiteral(value: string): string {
  return value.replace(REGEXP_SPECIALS, '\\$&');
}

export function escapeWildcardLiteral(value: string): string {
  return value.replace(/[*?\\]/g, '\\$&');
}

const QUERY_STRING_OPERATOR_WORDS = new Set(['AND', 'OR', 'NOT', 'TO']);

/**
 * Escapes for `query_string`: every character that is not a letter or digit is
 * backslash-escaped (whitespace and `<`/`>` included, which our parser reads
 * literally once escaped); a bare operator word gets its first letter escaped.
 */
export function escapeQueryStringLiteral(value: string): string {
  let out = '';
  for (const char of value) out += /[\p{L}\p{N}]/u.test(char) ? char : `\\${char}`;
  return QUERY_STRING_OPERATOR_WORDS.has(value) ? `\\${out}` : out;
}
