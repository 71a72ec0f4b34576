/**
 * Elasticsearch `_bulk` bodies: NDJSON pairs of an action line
 * (`index` or `create`, with optional `_id`/`_index`) and a document line,
 * and the per-item response.
 */
import { checkJsonDepth } from './json-depth.js';
import { tooManyBulkActions } from './limits.js';
import { isObject } from './query/errors.js';
import { INDEX_NAME } from './query/execute.js';
import { CdrQueryError, type ClientWrite, type WriteResult } from './store.js';

export interface BulkAction {
  action: 'index' | 'create';
  item: ClientWrite;
}

const WRITE_ACTIONS = ['index', 'create'];
const ALL_ACTIONS = ['create', 'delete', 'index', 'update'];

function malformed(reason: string): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', reason);
}

/** Reads the NDJSON body; throws when it holds more than `maxActions` actions, before any is parsed past them. */
export function parseBulkBody(body: string, maxActions = Infinity): BulkAction[] {
  const lines = body.split('\n');
  const actions: BulkAction[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index].trim() === '') continue;
    if (actions.length === maxActions) throw tooManyBulkActions(countActions(lines), maxActions);
    const lineNumber = index + 1;
    const metadata = parseLine(lines[index], lineNumber);
    const names = isObject(metadata) ? Object.keys(metadata) : [];
    if (!isObject(metadata) || names.length !== 1) throw malformed(`Malformed action/metadata line [${lineNumber}], expected START_OBJECT with one action`);
    const [action] = names;
    if (!ALL_ACTIONS.includes(action)) {
      throw malformed(`Malformed action/metadata line [${lineNumber}], expected one of [create, delete, index, update] but found [${action}]`);
    }
    if (!WRITE_ACTIONS.includes(action)) throw malformed(`bulk action [${action}] on line [${lineNumber}] is not supported: CDRs are only added`);
    const options = metadata[action];
    if (!isObject(options)) throw malformed(`Malformed action/metadata line [${lineNumber}], expected an object for [${action}]`);
    const id = options._id === undefined ? undefined : String(options._id);
    index++;
    while (index < lines.length && lines[index].trim() === '') index++;
    if (index >= lines.length) throw malformed(`The bulk request must be terminated by a newline [\\n]: no document after line [${lineNumber}]`);
    const document = parseLine(lines[index], index + 1);
    if (!isObject(document)) throw malformed(`line [${index + 1}]: the document must be a JSON object`);
    actions.push({ action: action as BulkAction['action'], item: { id, document, mode: action as ClientWrite['mode'] } });
  }
  return actions;
}

/** Non-empty lines in pairs: what the actions would number (for the error; nothing is parsed). */
function countActions(lines: string[]): number {
  let nonEmpty = 0;
  for (const line of lines) if (line.trim() !== '') nonEmpty++;
  return Math.ceil(nonEmpty / 2);
}

function parseLine(line: string, lineNumber: number): unknown {
  checkJsonDepth(line);
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new CdrQueryError('x_content_parse_exception', `[${lineNumber}:1] ${(error as Error).message}`);
  }
}

export type BulkResponse = ReturnType<typeof bulkResponse>;

export function bulkResponse(actions: BulkAction[], results: WriteResult[], took: number) {
  return {
    took,
    errors: results.some((result) => !result.ok),
    items: results.map((result, index) => ({
      [actions[index].action]: result.ok
        ? {
            _index: INDEX_NAME,
            _id: result.id,
            _version: 1,
            result: result.created ? 'created' : 'updated',
            _shards: { total: 1, successful: 1, failed: 0 },
            status: result.created ? 201 : 200,
          }
        : { _index: INDEX_NAME, _id: result.id, status: result.status, error: { type: result.type, reason: result.reason } },
    })),
  };
}
