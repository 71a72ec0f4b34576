/**
 * Elasticsearch `_bulk` bodies: NDJSON action lines (`index`, `create`,
 * `delete`, `update`, each with `_id` and an optional CDR `_index`), the
 * document or update line where the action takes one, and the per-item
 * response. A write is reported only as what actually happened to it.
 */
import { checkJsonDepth } from './json-depth.js';
import { tooManyBulkActions } from './limits.js';
import { isObject, type JsonObject } from './query/errors.js';
import { INDEX_NAME } from './query/execute.js';
import { CdrQueryError, type ClientWrite, type WriteResult } from './store.js';

export type BulkActionName = 'index' | 'create' | 'delete' | 'update';

export interface BulkAction {
  action: BulkActionName;
  item: ClientWrite;
}

const ACTIONS: readonly BulkActionName[] = ['index', 'create', 'delete', 'update'];
/** Action metadata that changes nothing here (one shard, no aliases, no retries needed). */
const NEUTRAL_METADATA = ['_index', '_id', 'routing', 'retry_on_conflict', 'require_alias', 'dynamic_templates', 'op_type'];
const UPDATE_KEYS = ['doc', 'doc_as_upsert', 'upsert', 'detect_noop', '_source'];

function malformed(reason: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', reason);
}

function parseLine(line: string, lineNumber: number): unknown {
  checkJsonDepth(line);
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new CdrQueryError('x_content_parse_exception', `[${lineNumber}:1] ${(error as Error).message}`);
  }
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

/** Reads the NDJSON body; throws when it holds more than `maxActions` actions, before any is parsed past them. */
export function parseBulkBody(body: string, defaultIndex: string | undefined, maxActions = Infinity): BulkAction[] {
  if (defaultIndex !== undefined) checkWriteIndex(defaultIndex);
  const lines = body.split('\n');
  const actions: BulkAction[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index].trim() === '') continue;
    if (actions.length === maxActions) throw tooManyBulkActions(countActions(lines), maxActions);
    const lineNumber = index + 1;
    const metadata = parseLine(lines[index], lineNumber);
    const names = isObject(metadata) ? Object.keys(metadata) : [];
    if (!isObject(metadata) || names.length !== 1) throw malformed(`Malformed action/metadata line [${lineNumber}], expected START_OBJECT with one action`);
    const action = names[0] as BulkActionName;
    if (!ACTIONS.includes(action)) {
      throw malformed(`Malformed action/metadata line [${lineNumber}], expected one of [create, delete, index, update] but found [${action}]`);
    }
    const options = metadata[action];
    if (!isObject(options)) throw malformed(`Malformed action/metadata line [${lineNumber}], expected an object for [${action}]`);
    checkMetadata(options, action, lineNumber, defaultIndex);
    const id = options._id === undefined || options._id === null ? undefined : String(options._id);
    if (action === 'delete' || action === 'update') {
      if (id === undefined) throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: id is missing for [${action}] on line [${lineNumber}];`);
      if (action === 'delete') {
        actions.push({ action, item: { id, mode: 'delete' } });
        continue;
      }
    }
    index++;
    while (index < lines.length && lines[index].trim() === '') index++;
    if (index >= lines.length) throw malformed(`The bulk request must be terminated by a newline [\\n]: no document after line [${lineNumber}]`);
    const document = parseLine(lines[index], index + 1);
    if (action === 'update') {
      actions.push({ action, item: updateItem(id!, document, `line [${index + 1}]`) });
      continue;
    }
    if (!isObject(document)) throw malformed(`line [${index + 1}]: the document must be a JSON object`);
    actions.push({ action, item: { id, document, mode: action } });
  }
  if (actions.length === 0) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  return actions;
}

/** What the actions would number, for the error (nothing is parsed): a delete has no second line, so this may count high. */
function countActions(lines: string[]): number {
  let nonEmpty = 0;
  for (const line of lines) if (line.trim() !== '') nonEmpty++;
  return Math.ceil(nonEmpty / 2);
}

function checkMetadata(options: JsonObject, action: string, lineNumber: number, defaultIndex: string | undefined): void {
  for (const key of Object.keys(options)) {
    if (!NEUTRAL_METADATA.includes(key)) {
      throw malformed(`Action/metadata line [${lineNumber}] contains [${key}], which callrouter does not support (versions and pipelines are not kept)`);
    }
  }
  const index = options._index === undefined ? defaultIndex : String(options._index);
  if (index === undefined) throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: index is missing for [${action}] on line [${lineNumber}];`);
  checkWriteIndex(index);
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
