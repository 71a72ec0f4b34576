import { createHash } from 'node:crypto';
import RE2 from 're2';

/**
 * The functions of the `string` application: the ES5 `String.prototype`
 * methods the original reached through a JavaScript VM, plus its own
 * (reverse, base64, hashes) and `length`. An explicit table: a name from a
 * schema never reaches an arbitrary property.
 */

/**
 * What an argument is: free text; an integer; a `pattern` (literal text, or
 * `/regexp/flags`); a `regexp` (always a regular expression, as `search` and
 * `match` treat a string); or one of a list of words.
 */
export type ParamKind = 'text' | 'integer' | 'pattern' | 'regexp' | readonly string[];

export type ArgumentValue = string | number | RE2;

type Result = string | number | readonly string[] | null;

export interface StringFunction {
  params: readonly ParamKind[];
  /** How many of `params` must be given. */
  required: number;
  /** Any number of further arguments of this kind. */
  rest?: ParamKind;
  apply(data: string, args: readonly ArgumentValue[]): Result;
}

const method =
  <Args extends unknown[]>(call: (data: string, ...args: Args) => Result) =>
  (data: string, args: readonly ArgumentValue[]) =>
    call(data, ...(args as Args));

const hash = (algorithm: string) => (data: string) => createHash(algorithm).update(data, 'utf8').digest('hex');

const BASE64_MODES = ['encoder', 'decoder'] as const;

export const STRING_FUNCTIONS: ReadonlyMap<string, StringFunction> = new Map<string, StringFunction>([
  ['replace', { params: ['pattern', 'text'], required: 2, apply: method((data, pattern: string | RE2, replacement: string) => data.replace(pattern, replacement)) }],
  ['split', { params: ['pattern', 'integer'], required: 1, apply: method((data, separator: string | RE2, limit?: number) => data.split(separator, limit)) }],
  ['match', { params: ['regexp'], required: 1, apply: method((data, regexp: RE2) => data.match(regexp)) }],
  ['search', { params: ['regexp'], required: 1, apply: method((data, regexp: RE2) => data.search(regexp)) }],
  ['substring', { params: ['integer', 'integer'], required: 1, apply: method((data, start: number, end?: number) => data.substring(start, end)) }],
  ['substr', { params: ['integer', 'integer'], required: 1, apply: method((data, start: number, length?: number) => data.substr(start, length)) }],
  ['slice', { params: ['integer', 'integer'], required: 1, apply: method((data, start: number, end?: number) => data.slice(start, end)) }],
  ['charAt', { params: ['integer'], required: 1, apply: method((data, index: number) => data.charAt(index)) }],
  ['charCodeAt', { params: ['integer'], required: 1, apply: method((data, index: number) => data.charCodeAt(index)) }],
  ['indexOf', { params: ['text', 'integer'], required: 1, apply: method((data, search: string, from?: number) => data.indexOf(search, from)) }],
  ['lastIndexOf', { params: ['text', 'integer'], required: 1, apply: method((data, search: string, from?: number) => data.lastIndexOf(search, from)) }],
  ['concat', { params: [], required: 0, rest: 'text', apply: (data, args) => data.concat(...(args as string[])) }],
  ['toUpperCase', { params: [], required: 0, apply: (data) => data.toUpperCase() }],
  ['toLowerCase', { params: [], required: 0, apply: (data) => data.toLowerCase() }],
  ['toLocaleUpperCase', { params: [], required: 0, apply: (data) => data.toLocaleUpperCase() }],
  ['toLocaleLowerCase', { params: [], required: 0, apply: (data) => data.toLocaleLowerCase() }],
  ['trim', { params: [], required: 0, apply: (data) => data.trim() }],
  ['length', { params: [], required: 0, apply: (data) => data.length }],
  ['reverse', { params: [], required: 0, apply: (data) => [...data].reverse().join('') }],
  ['base64', { params: [BASE64_MODES], required: 1, apply: method((data, mode: (typeof BASE64_MODES)[number]) =>
    mode === 'encoder' ? Buffer.from(data, 'utf8').toString('base64') : Buffer.from(data, 'base64').toString('utf8')) }],
  ['MD5', { params: [], required: 0, apply: hash('md5') }],
  ['SHA-256', { params: [], required: 0, apply: hash('sha256') }],
  ['SHA-512', { params: [], required: 0, apply: hash('sha512') }],
]);

/** The kind of the `index`-th argument of `fn`, or undefined when there is no such parameter. */
export function paramKind(fn: StringFunction, index: number): ParamKind | undefined {
  return fn.params[index] ?? fn.rest;
}

/** As the original printed the result: arrays comma-joined, no match as "". */
export function resultText(result: Result): string {
  if (result === null) return '';
  return typeof result === 'object' ? result.join(',') : String(result);
}

const DELIMITED = /^\/(.*)\/([a-z]*)$/s;
const FLAGS = /^(?!.*(.).*\1)[gims]*$/;

/**
 * Converts an argument's text to what its parameter takes, or says why it
 * cannot. Regular expressions are RE2: linear time, whatever the caller sent.
 */
export function convertArgument(kind: ParamKind, text: string): ArgumentValue | { error: string } {
  if (typeof kind !== 'string') {
    return kind.includes(text) ? text : { error: `expected one of ${kind.join(', ')}, got ${JSON.stringify(text)}` };
  }
  switch (kind) {
    case 'text':
      return text;
    case 'integer': {
      const value = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isInteger(value) ? value : { error: `expected an integer, got ${JSON.stringify(text)}` };
    }
    case 'pattern':
    case 'regexp': {
      const delimited = DELIMITED.exec(text);
      if (!delimited) return kind === 'pattern' ? text : compile(text, '');
      return compile(delimited[1], delimited[2]);
    }
  }
}

function compile(body: string, flags: string): RE2 | { error: string } {
  if (!FLAGS.test(flags)) return { error: `invalid regular expression flags "${flags}": use g, i, m, s` };
  try {
    return new RE2(body, flags);
  } catch (error) {
    return { error: `invalid regular expression /${body}/: ${error instanceof Error ? error.message : String(error)}` };
  }
}
