/**
 * The Elasticsearch-compatible HTTP API of the CDR store, as a fastify
 * plugin so `callrouter cdr serve` and the router's own HTTP port can mount
 * it: _search, _count, _bulk, _doc, _delete_by_query, plus /cdr/freeswitch
 * for mod_json_cdr. Every request goes to the CdrService (which decides
 * where and how long it runs); every error comes back in Elasticsearch's shape.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cdrFromFreeswitch, freeswitchCdrId, FreeswitchCdrError } from '../document/freeswitch.js';
import { checkJsonDepth } from '../json-depth.js';
import { INDEX_NAME } from '../query/execute.js';
import { CdrQueryError, type CdrService, type ClientWrite, type SearchOptions } from '../store.js';

type WriteMode = ClientWrite['mode'];

export interface CdrHttpOptions {
  store: CdrService;
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
      checkJsonDepth(body as string);
      done(null, JSON.parse(body as string));
    } catch (error) {
      if (error instanceof CdrQueryError) return done(error, undefined);
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

  const searchOptions = (request: FastifyRequest, reply: FastifyReply): SearchOptions => {
    const signal = clientGone(reply);
    const domain = options.domainOf?.(request);
    const header = request.headers['x-now'];
    if (!options.testClock || typeof header !== 'string') return { domain, signal };
    const now = new Date(header);
    if (Number.isNaN(now.getTime())) throw esError('illegal_argument_exception', `X-Now must be an ISO time, got [${header}]`, 400);
    return { now, domain, signal };
  };

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/cdr/_search',
      schema: { headers: nowHeader, ...(method === 'POST' ? { body: objectBody } : {}) },
      handler: async (request, reply) => store.search(request.body ?? {}, searchOptions(request, reply)),
    });
    app.route({
      method,
      url: '/cdr/_count',
      schema: { headers: nowHeader, ...(method === 'POST' ? { body: objectBody } : {}) },
      handler: async (request, reply) => store.count(request.body ?? {}, searchOptions(request, reply)),
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

  app.post<{ Body: string }>('/cdr/_bulk', { schema: { body: { type: 'string' } } }, async (request, reply) => store.bulk(request.body, searchOptions(request, reply)));

  app.post('/cdr/_delete_by_query', { schema: { headers: nowHeader, body: objectBody } }, async (request, reply) => store.deleteByQuery(request.body ?? {}, searchOptions(request, reply)));

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

/** Aborted when the client closes the connection before its answer is sent: its request need not run on. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
