/**
 * Document APIs: index (`_doc`, `_create`), get (`_doc`, `_source`, HEAD,
 * `_mget`), delete and update by id, and `_bulk`. Every write is answered after it is
 * durable, with what happened to it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isObject } from '../query/errors.js';
import { filterSource, parseSourceFilter } from '../query/source-filter.js';
import { INDEX_NAME } from '../query/execute.js';
import { checkWriteIndex, updateItem, writeCondition, writeResponse, writeStatus } from '../bulk.js';
import { CdrQueryError, type CdrService, type ClientWrite, type SearchHit } from '../store.js';
import { checkParams, forcedRefresh, type Params } from './params.js';
import type { Searcher } from './searcher.js';
import { searchBody } from './search-params.js';
import { registerBulkRoute } from './bulk-route.js';
import { jsonBody } from './wire.js';

type DocParams = { Params: { index: string; id?: string } };

/** What one `_mget` entry may say besides the parameters. */
const MGET_DOC_KEYS = ['_id', '_index', 'routing', '_source'];

/** Write options that one durable shard meets as it is. */
const WRITE_PARAMS = ['refresh', 'timeout', 'wait_for_active_shards', 'routing', 'require_alias', 'require_data_stream'];
const READ_PARAMS = ['_source', '_source_includes', '_source_excludes', 'stored_fields', 'realtime', 'refresh', 'routing', 'preference'];
/** Writes conditional on an external version, and ingest pipelines (if_seq_no and if_primary_term are supported). */
const UNSUPPORTED_WRITE_PARAMS = ['version', 'version_type', 'pipeline'];
const CONDITION_PARAMS = ['if_seq_no', 'if_primary_term'];

function checkWriteParams(request: FastifyRequest<DocParams>, extra: readonly string[] = []): Params {
  const params = checkParams(request, [...WRITE_PARAMS, ...UNSUPPORTED_WRITE_PARAMS, ...CONDITION_PARAMS, ...extra]);
  for (const name of UNSUPPORTED_WRITE_PARAMS) {
    if (params[name] !== undefined) throw new CdrQueryError('illegal_argument_exception', `[${name}] is not supported by callrouter: writes are conditional on a sequence number (if_seq_no, if_primary_term), not on an external version, and there are no ingest pipelines`);
  }
  checkWriteIndex(request.params.index);
  return params;
}

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = jsonBody(request);
  if (!isObject(body)) throw new CdrQueryError('parsing_exception', 'request body is required and must be a JSON object');
  return body;
}

/**
 * The `get` of an answer that may carry the document (`_update`, `_explain`): when its source is asked for, in the
 * parameters or the body's `_source`, the document filtered as asked; undefined when it is not asked for.
 */
export async function getAsAsked(searcher: Searcher, request: FastifyRequest, id: string, params: Params, bodySource?: unknown): Promise<{ found: boolean; _source?: unknown } | undefined> {
  const asked = (params._source !== undefined && params._source !== 'false') || params._source_includes !== undefined || params._source_excludes !== undefined || (bodySource !== undefined && bodySource !== false);
  if (!asked) return undefined;
  const { body: search } = searchBody({ query: { ids: { values: [id] } }, size: 1, ...(bodySource === undefined ? {} : { _source: bodySource }) }, params);
  const [hit] = (await searcher.search({ kind: 'all' }, search, request)).hits.hits;
  return { found: hit !== undefined, ...(hit?._source === undefined ? {} : { _source: hit._source }) };
}

export interface DocumentRoutesOptions {
  store: Pick<CdrService, 'write' | 'bulk' | 'bulkJson'>;
  searcher: Searcher;
}

export function registerDocumentRoutes(app: FastifyInstance, { store, searcher }: DocumentRoutesOptions): void {
  const writeOne = async (reply: FastifyReply, params: Params, write: ClientWrite) => {
    const condition = writeCondition(params.if_seq_no, params.if_primary_term, write.mode);
    const item = condition ? { ...write, condition } : write;
    const [result] = await store.write([item]);
    if (!result.ok) throw new CdrQueryError(result.type, result.reason, result.status);
    reply.status(writeStatus(result));
    return writeResponse(result, forcedRefresh(params));
  };

  const index = async (request: FastifyRequest<DocParams>, reply: FastifyReply) => {
    const params = checkWriteParams(request, ['op_type']);
    if (params.op_type !== undefined && params.op_type !== 'index' && params.op_type !== 'create') {
      throw new CdrQueryError('illegal_argument_exception', `opType must be 'create' or 'index', found: [${params.op_type}]`);
    }
    if (params.op_type === 'create' && request.params.id === undefined) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: an id must be provided if version type or value are set;');
    // A CDR is a record of what happened: a write naming an id creates it and answers 409 when it exists, unless the
    // writer asks to replace it with ?op_type=index (Elasticsearch replaces by default; a forged CDR must not).
    // A write conditional on the stored document's sequence number means to replace it.
    const mode = params.op_type ?? (request.params.id === undefined || params.if_seq_no !== undefined ? 'index' : 'create');
    return writeOne(reply, params, { id: request.params.id, document: objectBody(request), mode: mode === 'create' ? 'create' : 'index' });
  };
  app.post('/:index/_doc', index);
  app.route({ method: ['PUT', 'POST'], url: '/:index/_doc/:id', handler: index });
  app.route<DocParams>({
    method: ['PUT', 'POST'],
    url: '/:index/_create/:id',
    handler: async (request, reply) => writeOne(reply, checkWriteParams(request), { id: request.params.id!, document: objectBody(request), mode: 'create' }),
  });

  app.delete<DocParams>('/:index/_doc/:id', async (request, reply) => {
    return writeOne(reply, checkWriteParams(request), { id: request.params.id!, mode: 'delete' });
  });

  app.post<DocParams>('/:index/_update/:id', async (request, reply) => {
    const params = checkWriteParams(request, ['retry_on_conflict', 'lang', '_source', '_source_includes', '_source_excludes']);
    const body = objectBody(request);
    const response = await writeOne(reply, params, updateItem(request.params.id!, body, 'update'));
    // Asked for its source (parameters or body), the answer carries the document as updated, filtered as asked.
    const get = await getAsAsked(searcher, request, request.params.id!, params, body._source);
    return get === undefined ? response : { ...response, get };
  });

  const get = async (request: FastifyRequest<DocParams>, sourceOnly: boolean) => {
    const params = checkParams(request, READ_PARAMS);
    checkWriteIndex(request.params.index);
    const id = request.params.id!;
    const { body } = searchBody({ query: { ids: { values: [id] } }, size: 1, version: true, seq_no_primary_term: true }, params);
    const [hit] = (await searcher.search({ kind: 'all' }, body, request)).hits.hits;
    if (sourceOnly) {
      if (!hit) throw new CdrQueryError('resource_not_found_exception', `Document not found [${INDEX_NAME}]/[${id}]`, 404);
      return { found: true, source: hit._source ?? {} };
    }
    if (!hit) return { found: false, response: { _index: INDEX_NAME, _id: id, found: false } };
    return { found: true, response: { ...foundDocument(id, hit), ...(hit._source === undefined ? {} : { _source: hit._source }) } };
  };
  app.get<DocParams>('/:index/_doc/:id', async (request, reply) => {
    const { found, response } = await get(request, false);
    if (!found) reply.status(404);
    return response;
  });
  app.get<DocParams>('/:index/_source/:id', async (request) => (await get(request, true)).source);

  const mget = async (request: FastifyRequest<{ Params: { index?: string } }>) => {
    const params = checkParams(request, READ_PARAMS);
    const body = objectBody(request);
    const entries: unknown[] = Array.isArray(body.docs) ? body.docs : Array.isArray(body.ids) ? body.ids.map((id) => ({ _id: id })) : [];
    if (entries.length === 0) throw new CdrQueryError('action_request_validation_exception', 'Validation Failed: 1: no documents to get;');
    const wanted = entries.map((entry, position) => {
      if (!isObject(entry) || (typeof entry._id !== 'string' && typeof entry._id !== 'number')) {
        throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: id is missing for doc ${position};`);
      }
      for (const key of Object.keys(entry)) {
        if (!MGET_DOC_KEYS.includes(key)) throw new CdrQueryError('illegal_argument_exception', `[mget] per-document [${key}] is not supported by callrouter: give it as a parameter`);
      }
      const index = entry._index === undefined ? request.params.index : String(entry._index);
      if (index === undefined) throw new CdrQueryError('action_request_validation_exception', `Validation Failed: 1: index is missing for doc ${position};`);
      checkWriteIndex(index);
      // A document's own `_source` overrides the parameters', as in Elasticsearch.
      return { id: String(entry._id), source: entry._source === undefined ? undefined : { filter: parseSourceFilter(entry._source) } };
    });
    const ids = wanted.map(({ id }) => id);
    const fetch = async (searchParams: Params) => {
      const { body: search } = searchBody({ query: { ids: { values: ids } }, size: ids.length, version: true, seq_no_primary_term: true }, searchParams);
      return new Map((await searcher.search({ kind: 'all' }, search, request)).hits.hits.map((hit) => [hit._id, hit]));
    };
    const filtered = await fetch(params);
    const withoutSourceParams = Object.fromEntries(Object.entries(params).filter(([name]) => !name.startsWith('_source')));
    const whole = wanted.some(({ source }) => source !== undefined) ? await fetch(withoutSourceParams) : filtered;
    return {
      docs: wanted.map(({ id, source }) => {
        const hit = (source === undefined ? filtered : whole).get(id);
        if (!hit) return { _index: INDEX_NAME, _id: id, found: false };
        const shown = source === undefined ? hit._source : hit._source && filterSource(hit._source, source.filter);
        return { ...foundDocument(id, hit), ...(shown === undefined ? {} : { _source: shown }) };
      }),
    };
  };
  for (const url of ['/_mget', '/:index/_mget']) app.route({ method: ['GET', 'POST'], url, handler: mget });

  registerBulkRoute(app, { store, writeParams: WRITE_PARAMS });
}

/** What Elasticsearch's get says of a document it found, before its source. */
function foundDocument(id: string, hit: SearchHit) {
  return { _index: INDEX_NAME, _id: id, _version: hit._version, _seq_no: hit._seq_no, _primary_term: hit._primary_term, found: true };
}
