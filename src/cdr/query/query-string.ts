/**
 * `query_string`: Lucene's classic query syntax (terms, `field:value`, quoted
 * phrases, AND/OR/NOT and +/-, groups, wildcards, /regexps/, `[a TO b]`,
 * `>=x`) turned into Query clauses with Lucene's rules for mixing AND and OR.
 */
import { anyOf, type FieldRef, type Query, type Scalar } from './ast.js';
import { checkKeys, expectObject, parsingError, readBoolean, readNumber, readString } from './errors.js';
import { allowedEdits, fuzzyClause, QUERY_STRING_FUZZY_NAMES, readFuzzyDefaults, type FuzzyOptions } from './fuzzy.js';

type Occur = 'must' | 'should' | 'must_not';

interface Options {
  defaultFields: string[];
  defaultOperator: 'or' | 'and';
  allowLeadingWildcard: boolean;
  timeZone?: string;
  /** What `term~` means; `term~N` sets the edits. */
  fuzzy: FuzzyOptions;
}

/** Characters that end a term (unless escaped); `+ - !` may appear inside one but not start it. */
const TERM_BREAKS = new Set([...' \t\n\r\u3000()[]{}:^"~/']);
const TERM_START_BREAKS = new Set([...'+-!']);

/** Parenthesised groups inside one another; the same bound as for nested queries, for the same reason (the stack). */
const MAX_GROUP_DEPTH = 30;

class QueryStringParser {
  #position = 0;
  #groupDepth = 0;

  constructor(
    private readonly text: string,
    private readonly options: Options,
  ) {}

  parse(): Query {
    const query = this.#sequence();
    if (this.#position < this.text.length) throw this.#error(`unexpected '${this.text[this.#position]}'`);
    return query;
  }

  #error(message: string) {
    return parsingError(`Failed to parse query [${this.text}]: ${message} at position ${this.#position}`);
  }

  #skipSpace(): void {
    while (/\s/.test(this.text[this.#position] ?? '')) this.#position++;
  }

  #startsWith(token: string): boolean {
    return this.text.startsWith(token, this.#position);
  }

  /** An operator word stands alone: followed by whitespace, a bracket, a quote or the end. */
  #word(word: string): boolean {
    if (!this.#startsWith(word)) return false;
    const next = this.text[this.#position + word.length];
    if (next !== undefined && !/[\s("]/.test(next)) return false;
    this.#position += word.length;
    return true;
  }

  #sequence(): Query {
    const clauses: { occur: Occur; query: Query }[] = [];
    for (;;) {
      this.#skipSpace();
      if (this.#position >= this.text.length || this.text[this.#position] === ')') break;
      let conjunction: 'and' | 'or' | undefined;
      if (this.#word('AND') || this.#word('&&')) conjunction = 'and';
      else if (this.#word('OR') || this.#word('||')) conjunction = 'or';
      if (conjunction && clauses.length === 0) throw this.#error(`${conjunction.toUpperCase()} without a clause before it`);
      this.#skipSpace();
      let modifier: 'required' | 'prohibited' | undefined;
      if (this.#startsWith('+')) {
        this.#position++;
        modifier = 'required';
      } else if (this.#startsWith('-') || this.#startsWith('!') ) {
        this.#position++;
        modifier = 'prohibited';
      } else if (this.#word('NOT')) modifier = 'prohibited';
      this.#skipSpace();
      if (this.#position >= this.text.length) throw this.#error('expected a clause');
      const query = this.#clause();
      this.#addClause(clauses, conjunction, modifier, query);
    }
    return combine(clauses);
  }

  /** Lucene's QueryParserBase.addClause: AND makes its neighbours required; OR under default AND makes them optional. */
  #addClause(clauses: { occur: Occur; query: Query }[], conjunction: 'and' | 'or' | undefined, modifier: 'required' | 'prohibited' | undefined, query: Query): void {
    const previous = clauses[clauses.length - 1];
    if (previous && conjunction === 'and' && previous.occur !== 'must_not') previous.occur = 'must';
    if (previous && this.options.defaultOperator === 'and' && conjunction === 'or' && previous.occur !== 'must_not') previous.occur = 'should';
    const prohibited = modifier === 'prohibited';
    const required =
      this.options.defaultOperator === 'or'
        ? modifier === 'required' || (conjunction === 'and' && !prohibited)
        : !prohibited && conjunction !== 'or';
    clauses.push({ occur: prohibited ? 'must_not' : required ? 'must' : 'should', query });
  }

  #clause(): Query {
    const start = this.#position;
    let fields = this.options.defaultFields;
    if (!this.#startsWith('(') && !this.#startsWith('"') && !this.#startsWith('/') && !this.#startsWith('[') && !this.#startsWith('{')) {
      const term = this.#readTerm();
      this.#skipSpace();
      if (term && this.text[this.#position] === ':') {
        this.#position++;
        this.#skipSpace();
        fields = [term.text];
      } else {
        this.#position = start;
      }
    }
    const query = this.#fieldValue(fields);
    return this.#boosted(query);
  }

  #boosted(query: Query): Query {
    if (!this.#startsWith('^')) return query;
    this.#position++;
    const match = /^\d+(\.\d+)?/.exec(this.text.slice(this.#position));
    if (!match) throw this.#error('expected a number after ^');
    this.#position += match[0].length;
    const boost = Number(match[0]);
    return query.kind === 'match_none' ? query : { ...query, boost: query.boost * boost };
  }

  #fieldValue(fields: string[]): Query {
    if (this.#startsWith('(')) {
      if (this.#groupDepth === MAX_GROUP_DEPTH) throw this.#error(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
      this.#position++;
      this.#groupDepth++;
      const saved = this.options.defaultFields;
      this.options.defaultFields = fields;
      const inner = this.#sequence();
      this.options.defaultFields = saved;
      if (!this.#startsWith(')')) throw this.#error("expected ')'");
      this.#position++;
      this.#groupDepth--;
      return inner;
    }
    if (this.#startsWith('"')) {
      const phrase = this.#phrase();
      return this.#perField(fields, (field) => this.#termQuery(field, phrase));
    }
    if (this.#startsWith('/')) {
      const pattern = this.#regex();
      return this.#perField(fields, (field) => ({ kind: 'pattern', syntax: 'regexp', field, value: pattern, caseInsensitive: false, boost: 1 }));
    }
    if (this.#startsWith('[') || this.#startsWith('{')) {
      const bounds = this.#range();
      return this.#perField(fields, (field) => ({ kind: 'range', field, ...bounds, boost: 1, ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}) }));
    }
    const comparison = /^(>=|<=|>|<)/.exec(this.text.slice(this.#position));
    if (comparison) {
      this.#position += comparison[0].length;
      const term = this.#readTerm();
      if (!term) throw this.#error(`expected a value after ${comparison[0]}`);
      const key = ({ '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' } as const)[comparison[0] as '>=' | '<=' | '>' | '<'];
      return this.#perField(fields, (field) => ({ kind: 'range', field, [key]: term.text, boost: 1, ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}) }));
    }
    const term = this.#readTerm();
    if (!term) throw this.#error('expected a term');
    if (this.#startsWith('~')) {
      const fuzziness = this.#fuzziness();
      return this.#perField(fields, (field) => fuzzyClause(field, term.text, { ...this.options.fuzzy, fuzziness }, 1));
    }
    if (term.wildcard) return this.#wildcard(fields, term);
    return this.#perField(fields, (field) => this.#termQuery(field, term.text));
  }

  /** `~` (the query's default fuzziness) or `~N` after a term. */
  #fuzziness(): string {
    const written = /^~(\d+(?:\.\d+)?)?/.exec(this.text.slice(this.#position))!;
    this.#position += written[0].length;
    if (written[1] === undefined) return this.options.fuzzy.fuzziness;
    allowedEdits(written[1], 0);
    return written[1];
  }

  #termQuery(field: FieldRef, value: Scalar): Query {
    return { kind: 'term', field, values: [value], caseInsensitive: false, boost: 1 };
  }

  #wildcard(fields: string[], term: { text: string; pattern: string }): Query {
    if (term.pattern === '*') {
      const matchAll = fields.some((field) => field === '*');
      // Lucene/Elasticsearch: `*` alone on every field is match_all; `field:*` means the field exists.
      if (matchAll) return { kind: 'match_all', boost: 1 };
      return this.#perField(fields, (field) => ({ kind: 'exists', field, boost: 1 }));
    }
    if (!this.options.allowLeadingWildcard && /^[*?]/.test(term.pattern)) {
      throw this.#error(`leading wildcard is not allowed: ${term.pattern}`);
    }
    return this.#perField(fields, (field) => ({ kind: 'pattern', syntax: 'wildcard', field, value: term.pattern, caseInsensitive: false, boost: 1 }));
  }

  #perField(fields: string[], build: (field: FieldRef) => Query): Query {
    return anyOf(fields.map((name) => build({ name, isPattern: name.includes('*'), lenient: name === '*' || name.includes('*') })));
  }

  /** A bare term: returns its unescaped text and, for wildcards, the pattern with escapes kept. */
  #readTerm(): { text: string; pattern: string; wildcard: boolean } | undefined {
    let text = '';
    let pattern = '';
    let wildcard = false;
    const start = this.#position;
    while (this.#position < this.text.length) {
      const char = this.text[this.#position];
      if (char === '\\') {
        const escaped = this.text[this.#position + 1];
        if (escaped === undefined) throw this.#error('a term cannot end with a backslash');
        text += escaped;
        pattern += `\\${escaped}`;
        this.#position += 2;
        continue;
      }
      if (TERM_BREAKS.has(char) || (this.#position === start && TERM_START_BREAKS.has(char))) break;
      if (char === '*' || char === '?') wildcard = true;
      text += char;
      pattern += char;
      this.#position++;
    }
    return this.#position === start ? undefined : { text, pattern, wildcard };
  }

  #phrase(): string {
    this.#position++;
    let text = '';
    while (this.#position < this.text.length && this.text[this.#position] !== '"') {
      if (this.text[this.#position] === '\\') this.#position++;
      text += this.text[this.#position++] ?? '';
    }
    if (!this.#startsWith('"')) throw this.#error('unterminated phrase');
    this.#position++;
    // A proximity slop (~N) changes nothing on keyword fields.
    const slop = /^~\d*/.exec(this.text.slice(this.#position));
    if (slop) this.#position += slop[0].length;
    return text;
  }

  #regex(): string {
    this.#position++;
    let pattern = '';
    while (this.#position < this.text.length && this.text[this.#position] !== '/') {
      if (this.text[this.#position] === '\\' && this.text[this.#position + 1] === '/') this.#position++;
      pattern += this.text[this.#position++];
    }
    if (!this.#startsWith('/')) throw this.#error('unterminated regular expression');
    this.#position++;
    return pattern;
  }

  #range(): { gt?: Scalar; gte?: Scalar; lt?: Scalar; lte?: Scalar } {
    const inclusiveLower = this.text[this.#position++] === '[';
    this.#skipSpace();
    const lower = this.#rangeValue();
    this.#skipSpace();
    if (!this.#word('TO')) throw this.#error("expected 'TO' in range");
    this.#skipSpace();
    const upper = this.#rangeValue();
    this.#skipSpace();
    const close = this.text[this.#position];
    if (close !== ']' && close !== '}') throw this.#error("expected ']' or '}' to close the range");
    this.#position++;
    const bounds: { gt?: Scalar; gte?: Scalar; lt?: Scalar; lte?: Scalar } = {};
    if (lower !== '*') bounds[inclusiveLower ? 'gte' : 'gt'] = lower;
    if (upper !== '*') bounds[close === ']' ? 'lte' : 'lt'] = upper;
    return bounds;
  }

  #rangeValue(): string {
    if (this.#startsWith('"')) return this.#phrase();
    let value = '';
    while (this.#position < this.text.length && !/[\s\]}]/.test(this.text[this.#position])) {
      if (this.text[this.#position] === '\\') this.#position++;
      value += this.text[this.#position++] ?? '';
    }
    if (!value) throw this.#error('expected a range bound');
    return value;
  }
}

function combine(clauses: { occur: Occur; query: Query }[]): Query {
  if (clauses.length === 0) return { kind: 'match_none' };
  if (clauses.length === 1 && clauses[0].occur !== 'must_not') return clauses[0].query;
  const pick = (occur: Occur) => clauses.filter((clause) => clause.occur === occur).map((clause) => clause.query);
  const must = pick('must');
  const should = pick('should');
  const mustNot = pick('must_not');
  // Elasticsearch adds match_all to purely negative queries so that they mean "all but".
  if (must.length === 0 && should.length === 0) must.push({ kind: 'match_all', boost: 1 });
  return { kind: 'bool', must, filter: [], should, mustNot, minimumShouldMatch: must.length === 0 ? 1 : 0, boost: 1 };
}

const QUERY_STRING_KEYS = [
  'query',
  'default_field',
  'fields',
  'default_operator',
  'analyze_wildcard',
  'allow_leading_wildcard',
  'lenient',
  'analyzer',
  'auto_generate_synonyms_phrase_query',
  'time_zone',
  'fuzziness',
  'fuzzy_prefix_length',
  'fuzzy_transpositions',
  'fuzzy_max_expansions',
  'fuzzy_rewrite',
  'boost',
  '_name',
];

export function parseQueryString(body: unknown): Query {
  const object = expectObject(body, 'query_string');
  checkKeys(object, QUERY_STRING_KEYS, 'query_string');
  if (object.query === undefined) throw parsingError('[query_string] must be provided with a [query]');
  const text = readString(object.query, 'query_string.query');
  const fields = object.fields === undefined ? undefined : (Array.isArray(object.fields) ? object.fields : [object.fields]).map((field) => readString(field, 'query_string.fields'));
  // As in Elasticsearch, an empty `fields` list means the default field.
  const defaultFields = fields?.length ? fields : [object.default_field === undefined ? '*' : readString(object.default_field, 'query_string.default_field')];
  const operator = object.default_operator === undefined ? 'or' : readString(object.default_operator, 'query_string.default_operator').toLowerCase();
  if (operator !== 'or' && operator !== 'and') throw parsingError(`[query_string] default_operator must be OR or AND, got [${operator}]`);
  const options: Options = {
    defaultFields: defaultFields.map((field) => field.replace(/\^[\d.]+$/, '')),
    defaultOperator: operator,
    allowLeadingWildcard: object.allow_leading_wildcard === undefined ? true : readBoolean(object.allow_leading_wildcard, 'query_string.allow_leading_wildcard'),
    ...(object.time_zone === undefined ? {} : { timeZone: readString(object.time_zone, 'query_string.time_zone') }),
    fuzzy: readFuzzyDefaults(object, QUERY_STRING_FUZZY_NAMES, 'query_string'),
  };
  const query = new QueryStringParser(text, options).parse();
  const boost = object.boost === undefined ? 1 : readNumber(object.boost, 'query_string.boost');
  if (boost === 1 || query.kind === 'match_none') return query;
  return { kind: 'bool', must: [query], filter: [], should: [], mustNot: [], minimumShouldMatch: 0, boost };
}
