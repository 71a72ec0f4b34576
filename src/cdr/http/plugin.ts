/**
 * The Elasticsearch-compatible HTTP API of the CDR store, as a fastify
 * plugin so `callrouter cdr serve` and the router's own HTTP port can mount
 * it: _search, _count, _bulk, _doc, plus /cdr/freeswitch for mod_json_cdr.
 * Every error comes back in Elasticsearch's shape.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cdrFromFreeswitch, freeswitchCdrId, FreeswitchCdrError } from '../document/freeswitch.js';
import { INDEX_NAME } from '../query/execute.js';
import type { SqliteCdrStore } from '../sqlite/store.js';
import type { WriteMode } from '../sqlite/writer.js';
import { CdrQueryError, type SearchOptions } from '../store.js';
import { bulkResponse, parseBulkBody } from './bulk.js';

export interface CdrHttpOptions {
  store: SqliteCdrStore;
  /** Honour `X-Now: <ISO time>` as "now" (tests and traces only). */
  testClock?: boolean;
  /** Zone of FreeSWITCH's local-time stamps for a domain. Default UTC. */
  timeZoneOf?: (domain: string | undefined) => string;
  /** The one domain a request may search, when its credentials are confined to one (src/admin). */
  domainOf?: (request: FastifyRequest) => string | undefined;
}

const objectBody = { type: 'object' } as const;
const nowHeader = { type: 'object', properties: { 'x-now': { type: 'string', format: 'date-time' } } } as const;
const SHARDS_WRITTEN = { total: 1, successful: 1, failed: 0 };

function esError(type: string, reason: string, status: number) {
  return new CdrQueryError(type, reason, status);
}

export async function cdrHttpPlugin(app: FastifyInstance, options: CdrHttpOptions): Promise<void> {
  const { store } = options;
  const timeZoneOf = options.timeZoneOf ?? (() => 'UTC');

  app.removeContentTypeParser(['application/json', 'text/plain']);
  // Bodies are parsed here so that bad JSON gets Elasticsearch's error, and an empty body means "no options".
  app.addContentTypeParser(['application/json', 'application/x-ndjson', 'text/plain'], { parseAs: 'string' }, (request, body, done) => {
    if (request.url.includes('/_bulk')) return done(null, body);
    if ((body as string).trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(esError('x_content_parse_exception', `request body is not valid JSON: ${(error as Error).message}`, 400), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    // mod_json_cdr with encode=true posts `cdr=<url-encoded JSON>`.
    const cdr = new URLSearchParams(body as string).get('cdr');
    if (cdr === null) return done(esError('parsing_exception', 'expected a form field [cdr] holding the JSON CDR', 400), undefined);
    try {
      done(null, JSON.parse(cdr));
    } catch (error) {
      done(esError('x_content_parse_exception', `[cdr] is not valid JSON: ${(error as Error).message}`, 400), undefined);
    }
  });

  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, _request, reply) => {
    const failure =
      error instanceof CdrQueryError
        ? error
        : error.validation
          ? esError('parsing_exception', error.message, 400)
          : error.statusCode && error.statusCode < 500
            ? esError('parsing_exception', error.message, error.statusCode)
            : esError('exception', error.message, 500);
    reply.status(failure.status).send(failure.toResponse());
  });

  const searchOptions = (request: FastifyRequest): SearchOptions => {
    const domain = options.domainOf?.(request);
    const header = request.headers['x-now'];
    if (!options.testClock || typeof header !== 'string') return { domain };
    const now = new Date(header);
    if (Number.isNaN(now.getTime())) throw esError('illegal_argument_exception', `X-Now must be an ISO time, got [${header}]`, 400);
    return { now, domain };
  };

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/cdr/_search',
      schema: { headers: nowHeader, ...(method === 'POST' ? { body: objectBody } : {}) },
      handler: async (request) => store.search(request.body ?? {}, searchOptions(request)),
    });
    app.route({
      method,
      url: '/cdr/_count',
      schema: { headers: nowHeader, ...(method === 'POST' ? { body: objectBody } : {}) },
      handler: async (request) => store.count(request.body ?? {}, searchOptions(request)),
    });
  }

  const indexOne = async (reply: FastifyReply, document: Record<string, unknown>, id: string | undefined, mode: WriteMode = 'index') => {
    const [result] = await store.write([{ id, document, mode }]);
    if (!result.ok) throw esError(result.type, result.reason, result.status);
    reply.status(result.created ? 201 : 200);
    return { _index: INDEX_NAME, _id: result.id, _version: 1, result: result.created ? 'created' : 'updated', _shards: SHARDS_WRITTEN };
  };

  app.post<{ Body: Record<string, unknown> }>('/cdr/_doc', { schema: { body: objectBody } }, (request, reply) => indexOne(reply, request.body, undefined));
  // A CDR is a record of what happened: PUT with an id creates it and answers 409 when it exists,
  // unless the caller asks to replace it with ?op_type=index (Elasticsearch's default is to replace).
  app.put<{ Body: Record<string, unknown>; Params: { id: string }; Querystring: { op_type: WriteMode } }>(
    '/cdr/_doc/:id',
    {
      schema: {
        body: objectBody,
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1 } } },
        querystring: { type: 'object', properties: { op_type: { type: 'string', enum: ['create', 'index'], default: 'create' } } },
      },
    },
    (request, reply) => indexOne(reply, request.body, request.params.id, request.query.op_type),
  );

  app.post<{ Body: string }>('/cdr/_bulk', { schema: { body: { type: 'string' } } }, async (request) => {
    const started = performance.now();
    const actions = parseBulkBody(request.body);
    const results = await store.write(actions.map((action) => action.item));
    return bulkResponse(actions, results, Math.round(performance.now() - started));
  });

  app.post<{ Body: Record<string, unknown> }>(
    '/cdr/freeswitch',
    { schema: { body: { type: 'object', required: ['variables'], properties: { variables: { type: 'object' } } } } },
    async (request, reply) => {
      try {
        const variables = request.body.variables as Record<string, unknown>;
        const domain = typeof variables.domain_name === 'string' ? variables.domain_name : undefined;
        return await indexOne(reply, cdrFromFreeswitch(request.body, timeZoneOf(domain)), freeswitchCdrId(request.body));
      } catch (error) {
        if (error instanceof FreeswitchCdrError) throw esError('parsing_exception', error.message, 400);
        throw error;
      }
    },
  );
}
