/**
 * Fuzz target: an Elasticsearch search body through the request parser, or
 * a literal pasted into query_string with its escaping. Findings: any
 * exception other than CdrQueryError (Elasticsearch's parsing_exception and
 * friends), and an escaped literal (a caller ID pasted into a schema's
 * query) that does not come back from query_string as exactly one term with
 * that value, or whose escaped regexp or wildcard matches anything but it.
 */
import { escapeQueryStringLiteral, escapeRegexpLiteral, escapeWildcardLiteral } from '../../../src/cdr/query/escape.js';
import { compileLuceneRegexp } from '../../../src/cdr/query/lucene-regexp.js';
import { compileWildcard } from '../../../src/cdr/query/wildcard.js';
import type { CompiledPattern } from '../../../src/cdr/query/pattern.js';
import { parseSearchRequest } from '../../../src/cdr/query/parse-request.js';
import { CdrQueryError } from '../../../src/cdr/store.js';
import { expectSame, InvariantViolation, type FromBytes, type FuzzTarget } from '../../support/fuzz/target.js';

/** `body` is JSON text, as it arrives over HTTP (and as deep as a hostile client makes it). */
export type EsInput = { body: string; countOnly: boolean } | { literal: string };

function refusedAsElasticsearchDoes(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CdrQueryError) return undefined;
    throw error;
  }
}

function checkLiteral(literal: string): void {
  const query = `variables.caller_id_number:${escapeQueryStringLiteral(literal)}`;
  const request = refusedAsElasticsearchDoes(() => parseSearchRequest({ query: { query_string: { query } } }));
  if (request === undefined) throw new InvariantViolation(`escaped literal ${JSON.stringify(literal)} is refused: ${query}`);
  const parsed = (request as ReturnType<typeof parseSearchRequest>).query;
  const expected = { kind: 'term', field: { name: 'variables.caller_id_number', isPattern: false, lenient: false }, values: [literal], caseInsensitive: false, boost: 1 };
  expectSame(parsed, expected, `query_string ${JSON.stringify(query)}`);
}

function checkPattern(kind: string, escaped: string, compile: () => CompiledPattern, literal: string): void {
  let pattern: CompiledPattern;
  try {
    pattern = compile();
  } catch (error) {
    throw new InvariantViolation(`escaped ${kind} ${JSON.stringify(escaped)} of ${JSON.stringify(literal)} does not compile: ${(error as Error).message}`);
  }
  if (!pattern.test(literal)) throw new InvariantViolation(`escaped ${kind} ${JSON.stringify(escaped)} does not match its literal ${JSON.stringify(literal)}`);
  for (const other of [`${literal}x`, `x${literal}`, literal.slice(1)]) {
    if (other !== literal && pattern.test(other)) throw new InvariantViolation(`escaped ${kind} ${JSON.stringify(escaped)} of ${JSON.stringify(literal)} also matches ${JSON.stringify(other)}`);
  }
}

const target: FuzzTarget<EsInput> = {
  check(input) {
    if ('literal' in input) {
      const literal = input.literal;
      if (literal === '') return;
      checkLiteral(literal);
      const regexp = escapeRegexpLiteral(literal);
      for (const flags of ['ALL', 'NONE']) checkPattern(`regexp (flags ${flags})`, regexp, () => compileLuceneRegexp(regexp, { flags }), literal);
      const wildcard = escapeWildcardLiteral(literal);
      checkPattern('wildcard', wildcard, () => compileWildcard(wildcard), literal);
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(input.body);
    } catch {
      return; // the HTTP port answers 400 before any parser runs
    }
    refusedAsElasticsearchDoes(() => parseSearchRequest(request, { countOnly: input.countOnly }));
  },
};
export default target;

/** The guided fuzzer's bytes, as a search body's JSON text. */
export const fromBytes: FromBytes<EsInput> = (data) => ({ body: data.toString('utf8'), countOnly: false });
