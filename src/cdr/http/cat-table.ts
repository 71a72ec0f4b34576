/**
 * The `_cat` APIs' one table format, as Elasticsearch renders it: columns
 * chosen with `h` (names, aliases or wildcards), a heading line with `v`,
 * the columns' descriptions with `help`, rows sorted with `s`, and text
 * padded into columns, or JSON when `format=json` or the client accepts
 * JSON (the 8.x clients do, so their cat calls get objects back).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { globToRegExp } from '../query/glob.js';
import { CdrQueryError } from '../store.js';
import { booleanParam, listParam, type Params } from './params.js';

export interface CatColumn {
  name: string;
  aliases?: readonly string[];
  description: string;
  /** Numbers are right-aligned in text, as Elasticsearch's counts and sizes are. */
  alignRight?: boolean;
}

export type CatRow = Readonly<Record<string, string>>;

/** Every `_cat` endpoint's own query-string parameters, besides the ones all endpoints take. */
export const CAT_PARAMS = ['format', 'h', 'help', 's', 'v', 'bytes', 'time', 'local', 'master_timeout'];

interface Shown {
  column: CatColumn;
  /** What the heading and the JSON keys say: the name or alias the request used. */
  label: string;
}

/** A column by its name or one of its aliases. */
function columnNamed(columns: readonly CatColumn[], name: string): CatColumn | undefined {
  return columns.find((candidate) => candidate.name === name || candidate.aliases?.includes(name));
}

function shownColumns(api: string, columns: readonly CatColumn[], requested: string[] | undefined): Shown[] {
  if (!requested) return columns.map((column) => ({ column, label: column.name }));
  return requested.flatMap((name) => {
    if (name.includes('*')) {
      const pattern = globToRegExp(name);
      return columns.filter((column) => pattern.test(column.name)).map((column) => ({ column, label: column.name }));
    }
    const column = columnNamed(columns, name);
    if (!column) throw new CdrQueryError('illegal_argument_exception', `Unknown header [${name}] for [_cat/${api}]`);
    return [{ column, label: name }];
  });
}

function sortRows(api: string, columns: readonly CatColumn[], rows: readonly CatRow[], keys: string[] | undefined): CatRow[] {
  const sorted = [...rows];
  if (!keys) return sorted;
  const order = keys.map((key) => {
    const [name, direction = 'asc'] = key.split(':');
    const column = columnNamed(columns, name);
    if (!column) throw new CdrQueryError('unsupported_operation_exception', `Unable to sort by unknown sort key \`${name}\``, 500);
    if (direction !== 'asc' && direction !== 'desc') throw new CdrQueryError('illegal_argument_exception', `Unknown sort direction [${direction}] for [_cat/${api}]`);
    return { column, sign: direction === 'asc' ? 1 : -1 };
  });
  return sorted.sort((a, b) => {
    for (const { column, sign } of order) {
      const [left, right] = [a[column.name], b[column.name]];
      const difference = column.alignRight && left !== '-' && right !== '-' ? Number(left) - Number(right) : left.localeCompare(right);
      if (difference !== 0) return sign * difference;
    }
    return 0;
  });
}

/** Cells padded to their column's width; the last column is not padded on the right. */
function textTable(lines: readonly string[][], alignRight: readonly boolean[]): string {
  const widths = alignRight.map((_, index) => Math.max(...lines.map((cells) => cells[index].length)));
  return lines
    .map((cells) => {
      const padded = cells.map((cell, index) => (alignRight[index] ? cell.padStart(widths[index]) : index === cells.length - 1 ? cell : cell.padEnd(widths[index])));
      return `${padded.join(' ')}\n`;
    })
    .join('');
}

function wantsJson(request: FastifyRequest, params: Params): boolean {
  const format = params.format?.toLowerCase();
  if (format === 'json') return true;
  if (format === 'text' || format === 'txt') return false;
  if (format !== undefined) throw new CdrQueryError('illegal_argument_exception', `[format] [${params.format}] is not supported here: json or text`);
  return /\bjson\b/.test(request.headers.accept ?? '');
}

/** The answer of `_cat/<api>` over `rows`, as the request's parameters ask it. */
export function catTable(request: FastifyRequest, reply: FastifyReply, params: Params, api: string, columns: readonly CatColumn[], rows: readonly CatRow[]): string | object[] {
  if (booleanParam(params, 'help')) {
    reply.header('content-type', 'text/plain; charset=UTF-8');
    const aliases = columns.map((column) => column.aliases?.join(',') ?? '');
    const nameWidth = Math.max(...columns.map((column) => column.name.length));
    const aliasWidth = Math.max(...aliases.map((alias) => alias.length));
    return columns.map((column, index) => `${column.name.padEnd(nameWidth)} | ${aliases[index].padEnd(aliasWidth)} | ${column.description}\n`).join('');
  }
  const shown = shownColumns(api, columns, listParam(params, 'h'));
  const sorted = sortRows(api, columns, rows, listParam(params, 's'));
  if (wantsJson(request, params)) return sorted.map((row) => Object.fromEntries(shown.map(({ column, label }) => [label, row[column.name]])));
  const lines = sorted.map((row) => shown.map(({ column }) => row[column.name]));
  if (booleanParam(params, 'v')) lines.unshift(shown.map(({ label }) => label));
  reply.header('content-type', 'text/plain; charset=UTF-8');
  return textTable(lines, shown.map(({ column }) => column.alignRight === true));
}
