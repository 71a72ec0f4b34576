/**
 * Fuzz target: an Elasticsearch search body through the request parser, or
 * a literal pasted into query_string with its escaping. Findings: any
 * exception other than CdrQueryError (Elasticsearch's parsing_exception and
 * friends), and an escaped literal that does not come back as exactly one
 * term with that value.
 */
import { escapeQueryStringLiteral } from '../../../src/cdr/query/escape.js';
import { parseSearchRequest } from '../../../src/cdr/query/parse-request.js';
import { CdrQueryError } from '../../../src/cdr/store.js';
import { expectSame, InvariantViolation, type FuzzTarget } from '../support/target.js';

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

const target: FuzzTarget<EsInput> = {
  check(input) {
    if ('literal' in input) {
      if (input.literal !== '') checkLiteral(input.literal);
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
