/**
 * Reads an Elasticsearch `_bulk` NDJSON body as it arrives, chunk by chunk:
 * a line may span chunks and a UTF-8 character may be cut between two; each
 * complete line is parsed at once, so a body of megabytes is never held as
 * one string. The answer is the same as for the whole body read at once:
 * the first malformed action line refuses the request (a document line that
 * does not parse fails only its item), and a body past the action
 * limit is refused with the number of actions it holds (counted, not parsed).
 */
import { randomUUID } from 'node:crypto';
import { checkJsonDepth } from './json-depth.js';
import { tooManyBulkActions } from './limits.js';
import { isObject, type JsonObject } from './query/errors.js';
import { checkWriteIndex, malformed, updateItem, writeCondition, type BulkAction, type BulkActionName } from './bulk.js';
import { CdrQueryError, type BulkBody, type WriteCondition } from './store.js';

const ACTIONS: readonly BulkActionName[] = ['index', 'create', 'delete', 'update'];
/** Action metadata that changes nothing here (one shard, no aliases, no retries needed). */
const NEUTRAL_METADATA = ['_index', '_id', 'routing', 'retry_on_conflict', 'require_alias', 'dynamic_templates', 'op_type', 'if_seq_no', 'if_primary_term'];
const NEWLINE = '\n';

function parseLine(line: string, lineNumber: number): unknown {
  checkJsonDepth(line);
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new CdrQueryError('x_content_parse_exception', `[${lineNumber}:1] ${(error as Error).message}`);
  }
}

/** A document line: its object, or why it is none (its item fails, not the request). */
function parseDocument(line: string): { document: JsonObject } | { problem: string } {
  let document: unknown;
  try {
    document = JSON.parse(line);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  return isObject(document) ? { document } : { problem: 'the document must be a JSON object' };
}

function checkMetadata(options: JsonObject, action: string, lineNumber: number, defaultIndex: string | undefined): void {
  for (const key of Object.keys(options)) {
    if (!NEUTRAL_METADATA.includes(key)) {
      throw malformed(`Action/metadata line [${lineNumber}] contains [${key}], which callrouter does not support (writes conditional on an external version, pipelines)`);
    }
  }
  const index = options._index === undefined ? defaultIndex : String(options._index);
  if (index === undefined) throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: index is missing for [${action}] on line [${lineNumber}];`);
  checkWriteIndex(index);
}

/** An action line read, waiting for its document (or update) line. */
interface PendingAction {
  action: 'index' | 'create' | 'update';
  id: string | undefined;
  lineNumber: number;
  condition: WriteCondition | undefined;
}

export class BulkBodyReader {
  readonly #defaultIndex: string | undefined;
  readonly #maxActions: number;
  readonly #decoder = new TextDecoder();
  /** The start of the line still arriving (parts, joined once it is complete: no quadratic string building). */
  #partial: string[] = [];
  #lineNumber = 0;
  #nonEmptyLines = 0;
  #pending: PendingAction | undefined;
  readonly #actions: BulkAction[] = [];
  /** Past the action limit: lines are only counted from then on. */
  #overLimit = false;
  /** The first refusal: what follows it is not read. */
  #failure: unknown;

  constructor(defaultIndex: string | undefined, maxActions = Infinity) {
    this.#defaultIndex = defaultIndex;
    this.#maxActions = maxActions;
    this.#attempt(() => {
      if (defaultIndex !== undefined) checkWriteIndex(defaultIndex);
    });
  }

  /** The next bytes of the body (a character cut at the end is completed by the next chunk). */
  push(chunk: Uint8Array): void {
    if (this.#failure === undefined) this.pushText(this.#decoder.decode(chunk, { stream: true }));
  }

  /** The next text of the body (a body given as text, or bytes decoded). */
  pushText(text: string): void {
    let start = 0;
    for (let end = text.indexOf(NEWLINE); end >= 0 && this.#failure === undefined; end = text.indexOf(NEWLINE, start)) {
      this.#partial.push(text.slice(start, end));
      this.#completeLine();
      start = end + 1;
    }
    if (this.#failure === undefined && start < text.length) this.#partial.push(text.slice(start));
  }

  /** Feeds the whole body, as it comes. */
  async read(body: BulkBody): Promise<void> {
    if (typeof body === 'string') this.pushText(body);
    else if (body instanceof Uint8Array) this.push(body);
    else for await (const chunk of body) this.push(chunk);
  }

  /** The body's actions, once it has all arrived; throws the refusal the body earned, if any. */
  end(): BulkAction[] {
    this.pushText(this.#decoder.decode());
    // The text after the last newline is a line too.
    if (this.#failure === undefined) this.#completeLine();
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#overLimit) throw tooManyBulkActions(Math.ceil(this.#nonEmptyLines / 2), this.#maxActions);
    if (this.#pending) throw malformed(`The bulk request must be terminated by a newline [\\n]: no document after line [${this.#pending.lineNumber}]`);
    if (this.#actions.length === 0) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: no requests added;');
    return this.#actions;
  }

  #attempt(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.#failure = error;
      this.#partial = [];
    }
  }

  #completeLine(): void {
    const line = this.#partial.length === 1 ? this.#partial[0] : this.#partial.join('');
    this.#partial = [];
    this.#lineNumber++;
    if (line.trim() === '') return;
    this.#nonEmptyLines++;
    if (this.#overLimit) return;
    const lineNumber = this.#lineNumber;
    this.#attempt(() => (this.#pending ? this.#readDocument(line, lineNumber, this.#pending) : this.#readAction(line, lineNumber)));
  }

  #readAction(line: string, lineNumber: number): void {
    if (this.#actions.length === this.#maxActions) {
      this.#overLimit = true;
      return;
    }
    const metadata = parseLine(line, lineNumber);
    const names = isObject(metadata) ? Object.keys(metadata) : [];
    if (!isObject(metadata) || names.length !== 1) throw malformed(`Malformed action/metadata line [${lineNumber}], expected START_OBJECT with one action`);
    const action = names[0] as BulkActionName;
    if (!ACTIONS.includes(action)) {
      throw malformed(`Malformed action/metadata line [${lineNumber}], expected one of [create, delete, index, update] but found [${action}]`);
    }
    const options = metadata[action];
    if (!isObject(options)) throw malformed(`Malformed action/metadata line [${lineNumber}], expected an object for [${action}]`);
    checkMetadata(options, action, lineNumber, this.#defaultIndex);
    const id = options._id === undefined || options._id === null ? undefined : String(options._id);
    if ((action === 'delete' || action === 'update') && id === undefined) {
      throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: id is missing for [${action}] on line [${lineNumber}];`);
    }
    const condition = writeCondition(options.if_seq_no, options.if_primary_term, action);
    if (action === 'delete') this.#actions.push({ action, item: { id: id!, mode: 'delete', ...(condition ? { condition } : {}) } });
    else this.#pending = { action, id, lineNumber, condition };
  }

  #readDocument(line: string, lineNumber: number, { action, id, condition }: PendingAction): void {
    this.#pending = undefined;
    const conditional = condition ? { condition } : {};
    if (action === 'update') {
      this.#actions.push({ action, item: { ...updateItem(id!, parseLine(line, lineNumber), `line [${lineNumber}]`), ...conditional } });
      return;
    }
    checkJsonDepth(line);
    const parsed = parseDocument(line);
    if ('document' in parsed) this.#actions.push({ action, item: { id, document: parsed.document, mode: action, ...conditional } });
    else this.#actions.push({ action, unparsable: { id: id ?? randomUUID(), reason: `failed to parse: line [${lineNumber}]: ${parsed.problem}` } });
  }
}
