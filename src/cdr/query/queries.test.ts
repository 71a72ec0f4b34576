import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ids, referenceSearch, storeWith } from '../../../test/support/cdr/stores.js';
import type { SqliteCdrStore } from '../sqlite/store.js';
import type { CdrDocument } from '../store.js';

const NOW = new Date('2024-05-01T12:10:00Z');

const DOCS: Record<string, CdrDocument> = {
  d1: {
    'Call start time': '2024-05-01T10:00:00.000Z',
    'Call direction': 'outbound',
    'Destination number': '0671234567',
    'User ID': '101',
    'Domain name': 'example.com',
    'Call duration': 60,
    Answered: true,
    'Hangup cause': 'NORMAL_CLEARING',
    variables: { start_stamp: '2024-05-01T10:00:00.000Z', sip_from_user: 'Alice' },
  },
  d2: {
    'Call start time': '2024-05-01T11:00:00.000Z',
    'Call direction': 'outbound',
    'Destination number': '380671234567',
    'User ID': '102',
    'Domain name': 'example.com',
    'Call duration': 30,
    Answered: false,
    'Hangup cause': 'NO_ANSWER',
    variables: { start_stamp: '2024-05-01T11:00:00.000Z' },
  },
  d3: {
    'Call start time': '2024-05-01T12:00:00.000Z',
    'Call direction': 'inbound',
    'Destination number': '0441234567',
    'CallerID number': '+380671234567',
    'User ID': '101',
    'Domain name': 'example.com',
    'Call duration': 0,
    Answered: false,
    variables: { start_stamp: '2024-05-01T12:00:00.000Z' },
  },
  d4: {
    'Call start time': '2024-05-01T09:30:00.000Z',
    'Call direction': 'internal',
    'Destination number': '100',
    'User ID': '101',
    'Domain name': 'example.com',
    'Call duration': 15,
    tags: ['a', 'b'],
  },
  d5: { 'Domain name': 'other.com', 'Hangup cause': 'NORMAL_CLEARING', 'Call duration': 5 },
};

let store: SqliteCdrStore;
before(async () => {
  store = await storeWith(DOCS);
});
after(() => store.close());

/** Ids matching `query` from the store; also checks the index-free reference gives the same. */
async function matching(query: unknown): Promise<string[]> {
  const request = { query, size: 100, sort: ['_doc'] };
  const found = ids(await store.search(request, { now: NOW }));
  assert.deepEqual(ids(referenceSearch(DOCS, request, { now: NOW })), found, 'indexed and reference paths disagree');
  return found;
}

async function failure(query: unknown): Promise<{ type: string; reason: string }> {
  try {
    await store.search({ query }, { now: NOW });
  } catch (error) {
    const body = (error as { toResponse(): { error: { type: string; reason: string }; status: number } }).toResponse();
    assert.equal(body.status, 400);
    return body.error;
  }
  assert.fail('expected the search to be refused');
}

describe('term-level queries on keyword fields', () => {
  it('term is exact and case-sensitive unless case_insensitive', async () => {
    assert.deepEqual(await matching({ term: { 'Call direction': 'outbound' } }), ['d1', 'd2']);
    assert.deepEqual(await matching({ term: { 'Call direction': 'Outbound' } }), []);
    assert.deepEqual(await matching({ term: { 'Call direction': { value: 'OUTBOUND', case_insensitive: true } } }), ['d1', 'd2']);
  });
  it('terms matches any value; arrays match on any element', async () => {
    assert.deepEqual(await matching({ terms: { 'User ID': ['102', '999'] } }), ['d2']);
    assert.deepEqual(await matching({ term: { 'Destination number': '100' } }), ['d4']);
    assert.deepEqual(await matching({ terms: { tags: ['b'] } }), ['d4']);
  });
  it('match and match_phrase on a keyword are one exact term', async () => {
    assert.deepEqual(await matching({ match: { 'Hangup cause': 'NORMAL_CLEARING' } }), ['d1', 'd5']);
    assert.deepEqual(await matching({ match_phrase: { 'Call direction': { query: 'outbound' } } }), ['d1', 'd2']);
    assert.deepEqual(await matching({ match: { 'Hangup cause': 'NORMAL' } }), []);
  });
  it('a field no document has matches nothing, without an error', async () => {
    assert.deepEqual(await matching({ term: { 'No such field': 'x' } }), []);
  });
});

describe('simple_query_string (as Lucene’s SimpleQueryParser reads it; each term a whole keyword)', () => {
  const on = (query: string, fields: string[] = ['User ID', 'Call direction'], extra: Record<string, unknown> = {}) => matching({ simple_query_string: { query, fields, ...extra } });
  it('terms apart by whitespace, joined by the default operator; + and |; parentheses', async () => {
    assert.deepEqual(await on('101 102', ['User ID']), ['d1', 'd2', 'd3', 'd4']);
    assert.deepEqual(await on('101 +inbound'), ['d3']);
    assert.deepEqual(await on('(inbound | internal) +101'), ['d3', 'd4']);
    assert.deepEqual(await on('101 internal', undefined, { default_operator: 'AND' }), ['d4']);
    assert.deepEqual(await on('101 internal zzz', undefined, { minimum_should_match: 2 }), ['d4']);
  });
  it('- is "everything but": with OR as the default operator it widens the match, as in Elasticsearch', async () => {
    assert.deepEqual(await on('101 -internal', undefined, { default_operator: 'and' }), ['d1', 'd3']);
    assert.deepEqual(await on('NO_ANSWER -outbound', ['Hangup cause', 'Call direction']), ['d2', 'd3', 'd4', 'd5']);
  });
  it('prefix*, "phrases", escapes, every field by default; flags turn operators into text', async () => {
    assert.deepEqual(await on('067*', ['Destination number']), ['d1']);
    assert.deepEqual(await matching({ simple_query_string: { query: '"NORMAL_CLEARING"' } }), ['d1', 'd5']);
    assert.deepEqual(await on('\\+380671234567', ['CallerID number']), ['d3']);
    assert.deepEqual(await on('067*', ['Destination number'], { flags: 'NONE' }), []);
    assert.deepEqual(await on('+380671234567', ['CallerID number'], { flags: 'PREFIX|PHRASE' }), ['d3']);
    assert.deepEqual(await on(''), []);
  });
  it('groups nested past 30 are refused rather than exhausting the stack', async () => {
    assert.match((await failure({ simple_query_string: { query: `${'('.repeat(31)}101` } })).reason, /groups nested deeper than 30/);
    assert.match((await failure({ simple_query_string: { query: `${'('.repeat(100_000)}101` } })).reason, /groups nested deeper than 30/);
    assert.deepEqual(await on(`${'('.repeat(30)}102`, ['User ID']), ['d2']);
  });
  it('an unknown flag is refused by name', async () => {
    assert.match((await failure({ simple_query_string: { query: '1', flags: 'AND|BOGUS' } })).reason, /Unknown \[simple_query_string\] flag \[BOGUS\]/);
  });
});

describe('fuzzy matching (Damerau-Levenshtein edits of the whole keyword, as Lucene counts them)', () => {
  it('fuzzy: AUTO allows no edit below 3 characters, one below 6, then two; transpositions count one; prefix_length must match as written', async () => {
    assert.deepEqual(await matching({ fuzzy: { 'variables.sip_from_user': 'Alise' } }), ['d1']);
    assert.deepEqual(await matching({ fuzzy: { 'variables.sip_from_user': 'Aliec' } }), ['d1']);
    assert.deepEqual(await matching({ fuzzy: { 'variables.sip_from_user': { value: 'Aliec', transpositions: false } } }), []);
    assert.deepEqual(await matching({ fuzzy: { 'User ID': '103' } }), ['d1', 'd2', 'd3', 'd4']);
    assert.deepEqual(await matching({ fuzzy: { 'User ID': { value: '10', fuzziness: 'AUTO' } } }), []);
    assert.deepEqual(await matching({ fuzzy: { 'Hangup cause': 'XORMAL_CLEARIN' } }), ['d1', 'd5']);
    assert.deepEqual(await matching({ fuzzy: { 'Hangup cause': { value: 'XORMAL_CLEARIN', prefix_length: 1 } } }), []);
  });
  it('match and multi_match with fuzziness; term~N in query_string and simple_query_string', async () => {
    assert.deepEqual(await matching({ match: { 'Hangup cause': { query: 'NO_ANSWR', fuzziness: 1 } } }), ['d2']);
    assert.deepEqual(await matching({ multi_match: { query: 'Alics', fields: ['variables.*'], fuzziness: 'AUTO' } }), ['d1']);
    assert.deepEqual(await matching({ query_string: { query: 'variables.sip_from_user:Alise~' } }), ['d1']);
    assert.deepEqual(await matching({ query_string: { query: 'User\\ ID:103~1' } }), ['d1', 'd2', 'd3', 'd4']);
    assert.deepEqual(await matching({ simple_query_string: { query: 'Alise~1', fields: ['variables.sip_from_user'] } }), ['d1']);
    assert.deepEqual(await matching({ simple_query_string: { query: 'Alxse~', fields: ['variables.sip_from_user'] } }), ['d1']);
    assert.deepEqual(await matching({ simple_query_string: { query: 'Alise~x', fields: ['variables.sip_from_user'] } }), []);
  });
  it('refuses more than two edits, and fuzziness on numbers', async () => {
    assert.match((await failure({ fuzzy: { 'User ID': { value: '101', fuzziness: 3 } } })).reason, /fuzziness \[3\] is not allowed/);
    assert.equal((await failure({ fuzzy: { 'Call duration': 60 } })).type, 'query_shard_exception');
  });
});

describe('multi_match, match_phrase_prefix, match_bool_prefix (the whole text is one keyword term)', () => {
  it('multi_match finds the text in any listed field, by name, boost or pattern; without fields, in every field', async () => {
    assert.deepEqual(await matching({ multi_match: { query: '0671234567', fields: ['Destination number', 'CallerID number'] } }), ['d1']);
    assert.deepEqual(await matching({ multi_match: { query: '+380671234567', fields: ['Destination number^2', '*number'] } }), ['d3']);
    assert.deepEqual(await matching({ multi_match: { query: 'NORMAL_CLEARING' } }), ['d1', 'd5']);
    // A pattern spans fields of other types (Call duration is a long): they are skipped, not an error.
    assert.deepEqual(await matching({ multi_match: { query: 'Alice', fields: ['variables.*', 'Call *'] } }), ['d1']);
    assert.deepEqual(await matching({ multi_match: { query: 'outbound', fields: ['Call direction'], type: 'phrase', operator: 'and', tie_breaker: 0.3 } }), ['d1', 'd2']);
  });
  it('the prefix types match the start of a value', async () => {
    assert.deepEqual(await matching({ multi_match: { query: '067', type: 'phrase_prefix', fields: ['Destination number', 'CallerID number'] } }), ['d1']);
    assert.deepEqual(await matching({ multi_match: { query: '+38067', type: 'bool_prefix', fields: ['*number'] } }), ['d3']);
    assert.deepEqual(await matching({ match_phrase_prefix: { 'Hangup cause': 'NORMAL' } }), ['d1', 'd5']);
    assert.deepEqual(await matching({ match_bool_prefix: { 'Destination number': { query: '38067' } } }), ['d2']);
  });
  it('refuses what it cannot do, and names it', async () => {
    assert.match((await failure({ multi_match: { query: '101', fields: ['User ID'], type: 'phrase', fuzziness: 'AUTO' } })).reason, /Fuzziness not allowed for type \[phrase\]/);
    assert.match((await failure({ multi_match: { query: '101', type: 'nonsense' } })).reason, /no type found matching \[nonsense\]/);
    assert.match((await failure({ multi_match: { fields: ['User ID'] } })).reason, /requires query value/);
    assert.equal((await failure({ multi_match: { query: 'abc', fields: ['Call duration'] } })).type, 'query_shard_exception');
  });
});

describe('numbers, booleans and dates', () => {
  it('term on a long accepts numbers and numeric strings and refuses others', async () => {
    assert.deepEqual(await matching({ term: { 'Call duration': 60 } }), ['d1']);
    assert.deepEqual(await matching({ term: { 'Call duration': '30' } }), ['d2']);
    assert.equal((await failure({ term: { 'Call duration': 'abc' } })).type, 'query_shard_exception');
  });
  it('term on a boolean', async () => {
    assert.deepEqual(await matching({ term: { Answered: true } }), ['d1']);
    assert.deepEqual(await matching({ term: { Answered: 'false' } }), ['d2', 'd3']);
  });
  it('range on numbers with each operator', async () => {
    assert.deepEqual(await matching({ range: { 'Call duration': { gt: 15, lte: 60 } } }), ['d1', 'd2']);
    assert.deepEqual(await matching({ range: { 'Call duration': { gte: 15, lt: 60 } } }), ['d2', 'd4']);
    assert.deepEqual(await matching({ range: { 'Call duration': { from: 5, to: 15, include_lower: false } } }), ['d4']);
  });
  it('range on dates with date math, format and time zone', async () => {
    assert.deepEqual(await matching({ range: { 'Call start time': { gte: 'now-2h/h', lte: 'now' } } }), ['d1', 'd2', 'd3']);
    assert.deepEqual(await matching({ range: { 'Call start time': { gt: '2024-05-01 10:00', format: 'yyyy-MM-dd HH:mm' } } }), ['d2', 'd3']);
    assert.deepEqual(
      await matching({ range: { 'Call start time': { gte: '2024-05-01 14:00', lt: '2024-05-01 15:00', format: 'yyyy-MM-dd HH:mm', time_zone: '+03:00' } } }),
      ['d2'],
    );
    assert.deepEqual(await matching({ range: { 'variables.start_stamp': { lt: '2024-05-01T11:00:00Z' } } }), ['d1']);
  });
  it('a date term covers every millisecond its text names', async () => {
    assert.deepEqual(await matching({ term: { 'Call start time': '2024-05-01' } }), ['d1', 'd2', 'd3', 'd4']);
    assert.deepEqual(await matching({ term: { 'Call start time': '2024-05-01T10:00:00.000Z' } }), ['d1']);
  });
  it('range on a keyword compares code points', async () => {
    assert.deepEqual(await matching({ range: { 'User ID': { gt: '101' } } }), ['d2']);
  });
  it('an unparseable date is refused', async () => {
    assert.equal((await failure({ range: { 'Call start time': { gte: 'yesterday' } } })).type, 'query_shard_exception');
  });
});

describe('exists, prefix, wildcard, regexp, ids', () => {
  it('exists on a field and on an object', async () => {
    assert.deepEqual(await matching({ exists: { field: 'User ID' } }), ['d1', 'd2', 'd3', 'd4']);
    assert.deepEqual(await matching({ exists: { field: 'variables' } }), ['d1', 'd2', 'd3']);
    assert.deepEqual(await matching({ bool: { must_not: { exists: { field: 'Call direction' } } } }), ['d5']);
  });
  it('prefix and wildcard match the whole value', async () => {
    assert.deepEqual(await matching({ prefix: { 'Destination number': '067' } }), ['d1']);
    assert.deepEqual(await matching({ wildcard: { 'Destination number': { value: '*0671234567' } } }), ['d1', 'd2']);
    assert.deepEqual(await matching({ wildcard: { 'Destination number': '0?412*' } }), ['d3']);
    assert.deepEqual(await matching({ wildcard: { 'Hangup cause': { value: 'no_*', case_insensitive: true } } }), ['d2']);
  });
  it('regexp is anchored at both ends and uses Lucene syntax', async () => {
    assert.deepEqual(await matching({ regexp: { 'Destination number': '.*0671234567' } }), ['d1', 'd2']);
    assert.deepEqual(await matching({ regexp: { 'CallerID number': { value: '.*0671234567' } } }), ['d3']);
    assert.deepEqual(await matching({ regexp: { 'Destination number': '067' } }), []);
    assert.deepEqual(await matching({ regexp: { 'Destination number': '[0-9]{10}' } }), ['d1', 'd3']);
    assert.deepEqual(await matching({ regexp: { 'Destination number': '10<0-1>' } }), ['d4']);
    assert.deepEqual(await matching({ regexp: { 'Destination number': { value: '10<0-1>', flags: 'NONE' } } }), []);
    assert.deepEqual(await matching({ regexp: { 'Hangup cause': { value: 'no_.*', case_insensitive: true } } }), ['d2']);
    assert.deepEqual(await matching({ regexp: { 'Destination number': '@4567' } }), ['d1', 'd2', 'd3']);
  });
  it('regexp refuses bad syntax, the state limit and non-keyword fields', async () => {
    assert.equal((await failure({ regexp: { 'Destination number': '(067' } })).type, 'query_shard_exception');
    assert.match((await failure({ regexp: { 'Destination number': { value: '[0-9]{500}', max_determinized_states: 100 } } })).reason, /states/);
    assert.match((await failure({ regexp: { 'Call duration': '6.*' } })).reason, /keyword/);
  });
  it('ids', async () => {
    assert.deepEqual(await matching({ ids: { values: ['d3', 'd1', 'nope'] } }), ['d1', 'd3']);
  });
});

describe('compound queries', () => {
  it('match_all, match_none, constant_score', async () => {
    assert.deepEqual(await matching({ match_all: {} }), ['d1', 'd2', 'd3', 'd4', 'd5']);
    assert.deepEqual(await matching({ match_none: {} }), []);
    const response = await store.search({ query: { constant_score: { filter: { term: { 'User ID': '102' } }, boost: 2.5 } } }, { now: NOW });
    assert.deepEqual(response.hits.hits.map((hit) => hit._score), [2.5]);
  });
  it('should needs one match when there is no must or filter', async () => {
    assert.deepEqual(await matching({ bool: { should: [{ term: { 'User ID': '102' } }, { term: { 'Call direction': 'inbound' } }] } }), ['d2', 'd3']);
  });
  it('should is optional beside a filter unless minimum_should_match says otherwise', async () => {
    const should = [{ term: { 'User ID': '102' } }, { term: { 'Call direction': 'inbound' } }];
    const filter = { exists: { field: 'Call direction' } };
    assert.deepEqual(await matching({ bool: { filter, should } }), ['d1', 'd2', 'd3', 'd4']);
    assert.deepEqual(await matching({ bool: { filter, should, minimum_should_match: 1 } }), ['d2', 'd3']);
    assert.deepEqual(await matching({ bool: { filter, should, minimum_should_match: '50%' } }), ['d2', 'd3']);
    assert.deepEqual(await matching({ bool: { filter, should, minimum_should_match: -1 } }), ['d2', 'd3']);
    assert.deepEqual(await matching({ bool: { should: [...should, { term: { 'User ID': '101' } }], minimum_should_match: 2 } }), ['d3']);
  });
  it('must_not keeps documents that lack the field', async () => {
    assert.deepEqual(await matching({ bool: { must_not: [{ term: { 'User ID': '101' } }] } }), ['d2', 'd5']);
  });
  it('scores add up in must and should; filter clauses do not score', async () => {
    const response = await store.search(
      { query: { bool: { must: { term: { 'User ID': '101' } }, should: { term: { 'Call direction': 'inbound' } }, filter: { exists: { field: 'User ID' } } } } },
      { now: NOW },
    );
    assert.deepEqual(
      response.hits.hits.map((hit) => [hit._id, hit._score]),
      [['d3', 2], ['d1', 1], ['d4', 1]],
    );
    assert.equal(response.hits.max_score, 2);
  });
  it('nesting is refused beyond indices.query.bool.max_nested_depth (30), as Elasticsearch does, not by a stack overflow', async () => {
    const nested = (depth: number) => {
      let query: unknown = { term: { 'User ID': '101' } };
      for (let i = 1; i < depth; i++) query = i % 2 ? { bool: { must: [query] } } : { constant_score: { filter: query } };
      return query;
    };
    assert.deepEqual(await matching(nested(30)), ['d1', 'd3', 'd4']);
    for (const depth of [31, 20_000]) {
      const error = await failure(nested(depth));
      assert.equal(error.type, 'illegal_argument_exception');
      assert.match(error.reason, /maximum nested depth/);
    }
  });
});

describe('query_string', () => {
  it('* matches every document', async () => {
    assert.deepEqual(await matching({ query_string: { query: '*' } }), ['d1', 'd2', 'd3', 'd4', 'd5']);
  });
  it('field:value with escaped spaces, phrases and field existence', async () => {
    assert.deepEqual(await matching({ query_string: { query: 'User\\ ID:102' } }), ['d2']);
    assert.deepEqual(await matching({ query_string: { query: 'Hangup\\ cause:"NO_ANSWER"' } }), ['d2']);
    assert.deepEqual(await matching({ query_string: { query: 'CallerID\\ number:*' } }), ['d3']);
  });
  it('AND, OR, NOT and +/- with Lucene precedence', async () => {
    assert.deepEqual(await matching({ query_string: { query: 'Call\\ direction:outbound AND User\\ ID:102' } }), ['d2']);
    assert.deepEqual(await matching({ query_string: { query: 'Call\\ direction:inbound OR User\\ ID:102' } }), ['d2', 'd3']);
    assert.deepEqual(await matching({ query_string: { query: 'NOT Call\\ direction:outbound' } }), ['d3', 'd4', 'd5']);
    assert.deepEqual(await matching({ query_string: { query: '+User\\ ID:101 -Call\\ direction:internal' } }), ['d1', 'd3']);
    assert.deepEqual(await matching({ query_string: { query: '(inbound OR internal) AND User\\ ID:101' } }), ['d3', 'd4']);
  });
  it('a phrase is read once whatever the fields; an empty fields list means the default field (found by fuzzing: it looped forever)', async () => {
    assert.deepEqual(await matching({ query_string: { query: 'Hangup\\ cause:"NO_ANSWER"', fields: [] } }), ['d2']);
    assert.deepEqual(await matching({ query_string: { query: '"NO_ANSWER"', fields: [] } }), ['d2']);
    const error = await failure({ query_string: { query: '"x":y', fields: [] } });
    assert.equal(error.type, 'parsing_exception');
  });
  it('groups nested up to 30 deep; deeper is a parsing_exception, not a stack overflow', async () => {
    const grouped = (depth: number) => `${'('.repeat(depth)}User\\ ID:102${')'.repeat(depth)}`;
    assert.deepEqual(await matching({ query_string: { query: grouped(30) } }), ['d2']);
    for (const depth of [31, 20_000]) {
      const error = await failure({ query_string: { query: grouped(depth) } });
      assert.equal(error.type, 'parsing_exception');
      assert.match(error.reason, /groups nested deeper than 30/);
    }
  });
  it('an unfielded term searches every field', async () => {
    assert.deepEqual(await matching({ query_string: { query: 'NORMAL_CLEARING' } }), ['d1', 'd5']);
    assert.deepEqual(await matching({ query_string: { query: '60' } }), ['d1']);
  });
  it('wildcards, regexps and ranges', async () => {
    assert.deepEqual(await matching({ query_string: { query: 'Destination\\ number:*1234567' } }), ['d1', 'd2', 'd3']);
    assert.deepEqual(await matching({ query_string: { query: 'Destination\\ number:/38.*/' } }), ['d2']);
    assert.deepEqual(await matching({ query_string: { query: 'Call\\ duration:[15 TO 60}' } }), ['d2', 'd4']);
    assert.deepEqual(await matching({ query_string: { query: 'Call\\ duration:>=30' } }), ['d1', 'd2']);
    assert.deepEqual(await matching({ query_string: { query: 'Call\\ start\\ time:[2024-05-01T11:00:00Z TO *]' } }), ['d2', 'd3']);
  });
  it('default_operator AND requires every term', async () => {
    assert.deepEqual(await matching({ query_string: { query: 'outbound 102', default_operator: 'AND' } }), ['d2']);
  });
  it('bad syntax is a parsing_exception', async () => {
    assert.equal((await failure({ query_string: { query: 'User\\ ID:(101' } })).type, 'parsing_exception');
  });
});

describe('malformed queries', () => {
  it('unknown queries and parameters are refused, never ignored', async () => {
    assert.deepEqual(await failure({ more_like_this: { like: 'x' } }), { type: 'parsing_exception', reason: 'unknown query [more_like_this]', root_cause: [{ type: 'parsing_exception', reason: 'unknown query [more_like_this]' }] } as never);
    assert.equal((await failure({ term: { 'User ID': { value: '101', fuzziness: 2 } } })).reason, '[term] query does not support [fuzziness]');
    assert.equal((await failure({ bool: { must: [], shoud: [] } })).reason, '[bool] query does not support [shoud]');
    assert.equal((await failure({ term: { a: '1', b: '2' } })).type, 'parsing_exception');
    assert.equal((await failure({ range: { 'Call duration': { gte: { x: 1 } } } })).type, 'parsing_exception');
  });
});

describe('dis_max and boosting', () => {
  const scores = async (query: unknown) => {
    const request = { query, size: 100, sort: ['_doc'], track_scores: true };
    const response = await store.search(request, { now: NOW });
    assert.deepEqual(response.hits.hits, referenceSearch(DOCS, request, { now: NOW }).hits.hits, 'indexed and reference paths disagree');
    return Object.fromEntries(response.hits.hits.map((hit) => [hit._id, hit._score]));
  };
  it('dis_max matches what any query matches, scored by the best plus tie_breaker times the others', async () => {
    const queries = [{ term: { 'User ID': { value: '101', boost: 2 } } }, { term: { 'Call direction': 'outbound' } }];
    assert.deepEqual(await scores({ dis_max: { queries } }), { d1: 2, d2: 1, d3: 2, d4: 2 });
    assert.deepEqual(await scores({ dis_max: { queries, tie_breaker: 0.5, boost: 2 } }), { d1: 5, d2: 2, d3: 4, d4: 4 });
    assert.equal((await failure({ dis_max: { queries: [] } })).reason, "[dis_max] requires 'queries' field with at least one clause");
  });
  it('boosting matches the positive query, its score times negative_boost where the negative matches too', async () => {
    assert.deepEqual(await scores({ boosting: { positive: { term: { 'User ID': '101' } }, negative: { term: { 'Call direction': 'inbound' } }, negative_boost: 0.25 } }), { d1: 1, d3: 0.25, d4: 1 });
    assert.match((await failure({ boosting: { positive: { match_all: {} }, negative: { match_all: {} } } })).reason, /requires 'negative_boost'/);
    assert.match((await failure({ boosting: { positive: { match_all: {} }, negative_boost: 0.5 } })).reason, /requires 'negative' query/);
  });
});

describe('max_score', () => {
  it('is the best score of the matches, and null for size 0 (no top hits kept), as in Elasticsearch', async () => {
    const query = { term: { 'User ID': { value: '101', boost: 3 } } };
    assert.equal((await store.search({ query, size: 1 }, { now: NOW })).hits.max_score, 3);
    assert.equal((await store.search({ query, size: 0 }, { now: NOW })).hits.max_score, null);
  });
});
