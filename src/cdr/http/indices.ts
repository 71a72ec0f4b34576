/**
 * Index names and patterns. callrouter keeps every CDR in one index, `cdr`;
 * Webitel kept them per leg, month and domain (`cdr-a-2018-01-example.com`)
 * and searched `cdr-*-<domain>`. So `cdr`, `_all`, `*`, `cdr*` and `cdr-*`
 * mean every CDR, `cdr-*-<domain>` means that domain's CDRs, a write to any
 * `cdr-…` name lands in `cdr`, and other names are missing indices.
 */
import { INDEX_NAME } from '../query/execute.js';
import { globToRegExp } from '../query/glob.js';
import { CdrQueryError } from '../store.js';
import { booleanParam, type Params } from './params.js';

export type IndexTarget = { kind: 'all' } | { kind: 'domain'; domain: string } | { kind: 'none' };

export interface ResolveOptions {
  ignoreUnavailable?: boolean;
  allowNoIndices?: boolean;
}

const DOMAIN_PATTERN = /^cdr-\*-(.+)$/;

/** An `_api` name where an index name could stand in a path (`/_stats`, `/_tasks`): not an index, though `_all` is every one. */
export function isApiName(name: string): boolean {
  return name.startsWith('_') && name !== '_all';
}

export function indexNotFound(name: string): CdrQueryError {
  return new CdrQueryError('index_not_found_exception', `no such index [${name}]`, 404, {
    'resource.type': 'index_or_alias',
    'resource.id': name,
    index_uuid: '_na_',
    index: name,
  });
}

function resolveOne(name: string, options: ResolveOptions): IndexTarget {
  if (name === '_all' || name === INDEX_NAME) return { kind: 'all' };
  const domain = DOMAIN_PATTERN.exec(name)?.[1];
  if (domain !== undefined && !domain.includes('*')) return { kind: 'domain', domain };
  if (name.includes('*')) return globToRegExp(name).test(INDEX_NAME) ? { kind: 'all' } : { kind: 'none' };
  if (name.startsWith(`${INDEX_NAME}-`)) {
    throw new CdrQueryError(
      'illegal_argument_exception',
      `index [${name}]: CDRs are kept in one index here; search [cdr] (every CDR) or [cdr-*-<domain>] (one domain's), not a per-month index`,
    );
  }
  if (options.ignoreUnavailable) return { kind: 'none' };
  throw indexNotFound(name);
}

/** What a search or count over `expression` (a comma-separated list; absent = all) covers. */
export function resolveIndices(expression: string | undefined, options: ResolveOptions = {}): IndexTarget {
  const names = (expression ?? '_all').split(',').filter((name) => name !== '');
  const targets = (names.length === 0 ? ['_all'] : names).map((name) => resolveOne(name, options));
  if (targets.some((target) => target.kind === 'all')) return { kind: 'all' };
  const domains = [...new Set(targets.flatMap((target) => (target.kind === 'domain' ? [target.domain] : [])))];
  if (domains.length > 1) {
    throw new CdrQueryError('illegal_argument_exception', `searching several domains' indices at once ([${domains.join('], [')}]) is not supported: search [cdr] with a terms query on [Domain name]`);
  }
  if (domains.length === 1) return { kind: 'domain', domain: domains[0] };
  if (options.allowNoIndices === false) throw indexNotFound(names.join(','));
  return { kind: 'none' };
}

/** What a request covers: its path's index expression, read with its `ignore_unavailable` and `allow_no_indices`. */
export function requestTarget(index: string | undefined, params: Params): IndexTarget {
  return resolveIndices(index, { ignoreUnavailable: booleanParam(params, 'ignore_unavailable'), allowNoIndices: booleanParam(params, 'allow_no_indices') });
}
