/**
 * Elasticsearch `_bulk` writes: the actions (`index`, `create`, `delete`,
 * `update`, read from the body by ./bulk-reader.ts), update lines, the CDR
 * index a write may name, and the per-item response. A write is reported
 * only as what actually happened to it.
 */
import { isObject } from './query/errors.js';
import { INDEX_NAME, PRIMARY_TERM } from './query/execute.js';
import { CdrQueryError, type ClientWrite, type WriteCondition, type WriteResult } from './store.js';

export type BulkActionName = 'index' | 'create' | 'delete' | 'update';

/**
 * An action read from the body: a write, or a document line that failed to parse. Elasticsearch reads
 * only the action lines when it takes the request; a document is parsed when it is indexed, so a bad
 * one fails its own item (400, mapper_parsing_exception) and the others are written.
 */
export type BulkAction = { action: BulkActionName; item: ClientWrite } | { action: BulkActionName; unparsable: { id: string; reason: string } };

/** Writes the actions that parsed; the results, in the actions' order, include the unparsable ones' failures. */
export async function writeBulkActions(actions: readonly BulkAction[], write: (items: ClientWrite[]) => Promise<WriteResult[]>): Promise<WriteResult[]> {
  const written = await write(actions.flatMap((action) => ('item' in action ? [action.item] : [])));
  let next = 0;
  return actions.map((action) =>
    'item' in action ? written[next++] : { ok: false, id: action.unparsable.id, status: 400, type: 'mapper_parsing_exception', reason: action.unparsable.reason },
  );
}

const UPDATE_KEYS = ['doc', 'doc_as_upsert', 'upsert', 'detect_noop', '_source'];

/** A body or update line Elasticsearch would not take. */
export function malformed(reason: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', reason);
}

/** An update line (`{"doc": …, "doc_as_upsert": true}` or with `upsert`) as a write item. */
export function updateItem(id: string, body: unknown, where: string): ClientWrite {
  if (!isObject(body)) throw malformed(`${where}: the update must be a JSON object`);
  if (body.script !== undefined) throw malformed(`${where}: [script] updates are not supported by callrouter: send [doc]`);
  for (const key of Object.keys(body)) if (!UPDATE_KEYS.includes(key)) throw malformed(`${where}: [update] unknown field [${key}]`);
  if (!isObject(body.doc)) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
  const upsert = body.doc_as_upsert === true ? body.doc : isObject(body.upsert) ? body.upsert : undefined;
  return upsert ? { id, mode: 'update', partial: body.doc, upsert } : { id, mode: 'update', partial: body.doc };
}

/** The index a write names must be a CDR index: `cdr` or one of Webitel's `cdr-…` names. */
export function checkWriteIndex(name: string | undefined): void {
  if (name === undefined || name === INDEX_NAME || (name.startsWith(`${INDEX_NAME}-`) && !/[*,]/.test(name))) return;
  if (/[*,]/.test(name)) throw new CdrQueryError('invalid_index_name_exception', `Invalid index name [${name}], must not contain '*' or ','`);
  throw new CdrQueryError('index_not_found_exception', `no such index [${name}]: callrouter stores CDRs in [cdr] (Webitel's [cdr-…] names are taken as [cdr])`, 404);
}

/**
 * A write's `if_seq_no` and `if_primary_term` (parameters, or a `_bulk` action's metadata), checked as
 * Elasticsearch checks them: both or neither, each a whole number ≥ 0; `create` takes none (it never replaces).
 */
export function writeCondition(ifSeqNo: unknown, ifPrimaryTerm: unknown, mode: ClientWrite['mode']): WriteCondition | undefined {
  if (ifSeqNo === undefined && ifPrimaryTerm === undefined) return undefined;
  const number = (value: unknown, name: string) => {
    const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed) || parsed < 0) throw new CdrQueryError('illegal_argument_exception', `[${name}] must be a non-negative whole number, got [${String(value)}]`);
    return parsed;
  };
  if (ifPrimaryTerm === undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: ifSeqNo is set, but primary term is [0];');
  if (ifSeqNo === undefined) throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: ifSeqNo is unassigned, but primary term is [${String(ifPrimaryTerm)}];`);
  if (mode === 'create') throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: create operations do not support compare and set. use index instead;');
  return { seqNo: number(ifSeqNo, 'if_seq_no'), primaryTerm: number(ifPrimaryTerm, 'if_primary_term') };
}

/** The HTTP status Elasticsearch gives a successful write of this outcome. */
export function writeStatus(result: Extract<WriteResult, { ok: true }>): number {
  return result.result === 'created' ? 201 : result.result === 'not_found' ? 404 : 200;
}

export const SHARDS_WRITTEN = { total: 1, successful: 1, failed: 0 };

/** The body Elasticsearch answers a single-document write with. */
export function writeResponse(result: Extract<WriteResult, { ok: true }>, forcedRefresh: boolean): Record<string, unknown> {
  return {
    _index: INDEX_NAME,
    _id: result.id,
    _version: result.version,
    result: result.result,
    ...(forcedRefresh ? { forced_refresh: true } : {}),
    _shards: result.result === 'noop' ? { total: 0, successful: 0, failed: 0 } : SHARDS_WRITTEN,
    _seq_no: result.seqNo,
    _primary_term: PRIMARY_TERM,
  };
}

export type BulkResponse = ReturnType<typeof bulkResponse>;

export function bulkResponse(actions: BulkAction[], results: WriteResult[], took: number) {
  return {
    errors: results.some((result) => !result.ok),
    took,
    items: results.map((result, index) => ({
      [actions[index].action]: result.ok
        ? { ...writeResponse(result, false), status: writeStatus(result) }
        : { _index: INDEX_NAME, _id: result.id, status: result.status, error: { type: result.type, reason: result.reason, index: INDEX_NAME } },
    })),
  };
}
