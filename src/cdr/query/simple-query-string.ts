/**
 * simple_query_string, as Lucene's SimpleQueryParser reads it: terms apart
 * by whitespace joined by the default operator, `+` (and), `|` (or), `-`
 * (not: everything but), `"phrases"`, `prefix*`, `(…)`, `\` escapes; no
 * precedence but parentheses, left to right; nothing in the text is a syntax
 * error. `flags` turns operators off (then their characters are plain text).
 * On keyword fields each term or phrase is one whole term, a `prefix*` a
 * prefix, `term~N` a fuzzy term (fuzzy.ts).
 */
import { anyOf, type FieldRef, type Query } from './ast.js';
import { checkKeys, expectObject, parsingError, readBoolean, readNumber, readString } from './errors.js';
import { fuzzyClause, QUERY_STRING_FUZZY_NAMES, readFuzzyDefaults, type FuzzyOptions } from './fuzzy.js';
import { resolveMinimumShouldMatch } from './minimum-should-match.js';
import { fieldWithBoost } from './parse-multi-match.js';

const FLAG_BITS = { AND: 1, NOT: 2, OR: 4, PREFIX: 8, PHRASE: 16, PRECEDENCE: 32, ESCAPE: 64, WHITESPACE: 128, FUZZY: 256, NEAR: 512, SLOP: 1024 } as const;
const ALL_FLAGS = Object.values(FLAG_BITS).reduce((all, bit) => all | bit, 0);

function parseFlags(text: string): number {
  return text.split('|').reduce((flags, name) => {
    const flag = name.trim().toUpperCase();
    if (flag === 'ALL') return flags | ALL_FLAGS;
    if (flag === 'NONE' || flag === '') return flags;
    const bit = FLAG_BITS[flag as keyof typeof FLAG_BITS];
    if (bit === undefined) throw parsingError(`Unknown [simple_query_string] flag [${name}]`);
    return flags | bit;
  }, 0);
}

type Occur = 'must' | 'should';

/** Parenthesised groups inside one another: as for query_string and nested queries, a bound keeps a hostile text from exhausting the stack. */
const MAX_GROUP_DEPTH = 30;

interface Fields {
  terms: { field: FieldRef; boost: number }[];
  /** Where phrases look: the fields with quote_field_suffix appended. */
  phrases: { field: FieldRef; boost: number }[];
}

class SimpleQueryParser {
  #index = 0;
  #depth = 0;

  constructor(
    private readonly text: string,
    private readonly fields: Fields,
    private readonly flags: number,
    private readonly defaultOperator: Occur,
    private readonly fuzzy: FuzzyOptions,
  ) {}

  parse(): Query | undefined {
    return this.#subQuery(false);
  }

  #on(flag: keyof typeof FLAG_BITS): boolean {
    return (this.flags & FLAG_BITS[flag]) !== 0;
  }

  #isWhitespace(char: string): boolean {
    return this.#on('WHITESPACE') && /\s/.test(char);
  }

  /** The clauses up to the end, or to the `)` closing the group this call opened. */
  #subQuery(inGroup: boolean): Query | undefined {
    let top: Query | undefined;
    let topOccur: Occur | undefined;
    let operation: Occur | undefined;
    let not = 0;
    const add = (branch: Query | undefined) => {
      if (branch === undefined) return;
      if (not % 2 === 1) branch = { kind: 'bool', must: [{ kind: 'match_all', boost: 1 }], filter: [], should: [], mustNot: [branch], minimumShouldMatch: 0, boost: 1 };
      not = 0;
      if (top === undefined) {
        top = branch;
        operation = undefined;
        return;
      }
      const occur = operation ?? this.defaultOperator;
      operation = undefined;
      // Lucene adds to the boolean it built last while the operator stays the same, else wraps it in a new one.
      if (topOccur === occur && top.kind === 'bool') top[occur].push(branch);
      else top = { kind: 'bool', must: occur === 'must' ? [top, branch] : [], filter: [], should: occur === 'should' ? [top, branch] : [], mustNot: [], minimumShouldMatch: occur === 'should' ? 1 : 0, boost: 1 };
      topOccur = occur;
    };
    while (this.#index < this.text.length) {
      const char = this.text[this.#index];
      if (char === '(' && this.#on('PRECEDENCE')) {
        this.#index++;
        if (++this.#depth > MAX_GROUP_DEPTH) throw parsingError(`[simple_query_string] groups nested deeper than ${MAX_GROUP_DEPTH}`);
        add(this.#subQuery(true));
        this.#depth--;
      } else if (char === ')' && this.#on('PRECEDENCE')) {
        this.#index++;
        if (inGroup) return top;
      } else if (char === '"' && this.#on('PHRASE')) {
        add(this.#phrase());
      } else if ((char === '+' && this.#on('AND')) || (char === '|' && this.#on('OR'))) {
        this.#index++;
        if (operation === undefined && top !== undefined) operation = char === '+' ? 'must' : 'should';
      } else if (char === '-' && this.#on('NOT')) {
        this.#index++;
        not++;
      } else if (this.#isWhitespace(char)) {
        this.#index++;
      } else {
        add(this.#term());
      }
    }
    return top;
  }

  #tokenFinished(char: string): boolean {
    return (
      (char === '"' && this.#on('PHRASE')) ||
      (char === '|' && this.#on('OR')) ||
      (char === '+' && this.#on('AND')) ||
      ((char === '(' || char === ')') && this.#on('PRECEDENCE')) ||
      this.#isWhitespace(char)
    );
  }

  #phrase(): Query | undefined {
    this.#index++;
    let text = '';
    while (this.#index < this.text.length) {
      const char = this.text[this.#index++];
      if (char === '\\' && this.#on('ESCAPE') && this.#index < this.text.length) text += this.text[this.#index++];
      else if (char === '"') {
        // A slop (~N) changes nothing on a keyword: the phrase is one term.
        if (this.text[this.#index] === '~' && (this.#on('NEAR') || this.#on('SLOP'))) this.#skipNumber();
        return text === '' ? undefined : anyOf(this.fields.phrases.map(({ field, boost }) => ({ kind: 'term', field, values: [text], caseInsensitive: false, boost })));
      } else text += char;
    }
    // An unclosed quote is no syntax error: what follows it is read as one term.
    return text === '' ? undefined : this.#clauses(text, false);
  }

  #skipNumber(): void {
    this.#index++;
    while (/\d/.test(this.text[this.#index] ?? '')) this.#index++;
  }

  #term(): Query | undefined {
    let text = '';
    let prefix = false;
    while (this.#index < this.text.length) {
      const char = this.text[this.#index];
      if (char === '\\' && this.#on('ESCAPE')) {
        this.#index++;
        if (this.#index < this.text.length) text += this.text[this.#index++];
        continue;
      }
      if (this.#tokenFinished(char)) break;
      if (char === '~' && text !== '' && this.#on('FUZZY')) return this.#fuzzyTerm(text);
      this.#index++;
      prefix = char === '*' && this.#on('PREFIX') && (this.#index === this.text.length || this.#tokenFinished(this.text[this.#index]));
      text += char;
    }
    if (prefix) return this.#clauses(text.slice(0, -1), true);
    return text === '' ? undefined : this.#clauses(text, false);
  }

  /** `term~N` as Lucene reads it: `~` alone is 2 edits, text that is not a number none, more than 2 is 2. */
  #fuzzyTerm(text: string): Query {
    this.#index++;
    let written = '';
    while (this.#index < this.text.length && !this.#tokenFinished(this.text[this.#index])) written += this.text[this.#index++];
    const edits = written === '' ? 2 : /^\d+$/.test(written) ? Math.min(Number(written), 2) : 0;
    return anyOf(this.fields.terms.map(({ field, boost }) => fuzzyClause(field, text, { ...this.fuzzy, fuzziness: String(edits) }, boost)));
  }

  #clauses(text: string, prefix: boolean): Query {
    return anyOf(
      this.fields.terms.map(({ field, boost }): Query =>
        prefix ? { kind: 'pattern', syntax: 'prefix', field, value: text, caseInsensitive: false, boost } : { kind: 'term', field, values: [text], caseInsensitive: false, boost },
      ),
    );
  }
}

const SIMPLE_QUERY_STRING_KEYS = [
  'query',
  'fields',
  'default_operator',
  'analyzer',
  'analyze_wildcard',
  'auto_generate_synonyms_phrase_query',
  'flags',
  'fuzzy_max_expansions',
  'fuzzy_prefix_length',
  'fuzzy_transpositions',
  'lenient',
  'minimum_should_match',
  'quote_field_suffix',
  'boost',
  '_name',
];

export function parseSimpleQueryString(body: unknown): Query {
  const object = expectObject(body, 'simple_query_string');
  checkKeys(object, SIMPLE_QUERY_STRING_KEYS, 'simple_query_string');
  if (object.query === undefined) throw parsingError('[simple_query_string] query text missing');
  const text = readString(object.query, 'simple_query_string.query');
  const operator = object.default_operator === undefined ? 'or' : readString(object.default_operator, 'simple_query_string.default_operator').toLowerCase();
  if (operator !== 'or' && operator !== 'and') throw parsingError(`[simple_query_string] default_operator must be OR or AND, got [${operator}]`);
  const lenient = object.lenient === undefined ? undefined : readBoolean(object.lenient, 'simple_query_string.lenient');
  const names = object.fields === undefined ? ['*'] : (Array.isArray(object.fields) ? object.fields : [object.fields]).map((field) => readString(field, 'simple_query_string.fields'));
  const terms = (names.length === 0 ? ['*'] : names).map((spec) => fieldWithBoost(spec, lenient, 'simple_query_string'));
  const suffix = object.quote_field_suffix === undefined ? '' : readString(object.quote_field_suffix, 'simple_query_string.quote_field_suffix');
  const phrases = terms.map(({ field, boost }) => ({ field: { ...field, name: `${field.name}${suffix}` }, boost }));
  const flags = object.flags === undefined ? ALL_FLAGS : typeof object.flags === 'number' ? readNumber(object.flags, 'simple_query_string.flags') : parseFlags(readString(object.flags, 'simple_query_string.flags'));
  const fuzzy = readFuzzyDefaults(object, QUERY_STRING_FUZZY_NAMES, 'simple_query_string');
  const query = new SimpleQueryParser(text, { terms, phrases }, flags, operator === 'and' ? 'must' : 'should', fuzzy).parse();
  if (query === undefined) return { kind: 'match_none' };
  if (object.minimum_should_match !== undefined && query.kind === 'bool' && query.should.length > 0) {
    query.minimumShouldMatch = resolveMinimumShouldMatch(object.minimum_should_match, query.should.length);
  }
  const boost = object.boost === undefined ? 1 : readNumber(object.boost, 'simple_query_string.boost');
  if (boost === 1) return query;
  return { kind: 'bool', must: [query], filter: [], should: [], mustNot: [], minimumShouldMatch: 0, boost };
}
