/**
 * `_bulk` (and `/<index>/_bulk`): the body is not collected here. Its bytes
 * go to the store as they arrive (to the CDR request thread, in the router),
 * which reads the NDJSON there line by line: a body of many megabytes never
 * holds up this (the SIP) thread. The route's own body parser hands on the
 * request's stream (decompressed by the wire's preParsing hook) and keeps
 * fastify's body limit as fastify would, with the same error.
 */
import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { CdrQueryError, type CdrService } from '../store.js';
import { checkParams, forcedRefresh } from './params.js';
import { TEXT_BODY_TYPES } from './wire.js';

export interface BulkRouteOptions {
  store: Pick<CdrService, 'bulk' | 'bulkJson'>;
  /** The write parameters every write route takes. */
  writeParams: readonly string[];
}

/** A body stream failed: the rest of it may still be on its way, so the connection is not kept (as fastify does). */
function bodyFailed(reply: FastifyReply, error: unknown): unknown {
  reply.header('connection', 'close');
  const failure = error as { statusCode?: number };
  if (error instanceof Error && !(typeof failure.statusCode === 'number' && failure.statusCode >= 400)) failure.statusCode = 400;
  return error;
}

/** The request's body chunk by chunk, refused past the route's body limit. */
async function* limitedBody(request: FastifyRequest, reply: FastifyReply): AsyncIterable<Uint8Array> {
  const payload = request.body as Readable | undefined;
  if (payload === undefined) return;
  const limit = request.routeOptions.bodyLimit;
  let received = 0;
  try {
    for await (const chunk of payload as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.byteLength;
      if (received > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
      yield bytes;
    }
  } catch (error) {
    throw bodyFailed(reply, error);
  }
}

export function registerBulkRoute(app: FastifyInstance, { store, writeParams }: BulkRouteOptions): void {
  // Its own scope: the body parser below is this route's only.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(TEXT_BODY_TYPES, (request, payload, done) => {
      if (Number(request.headers['content-length']) > request.routeOptions.bodyLimit) done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
      else done(null, payload);
    });
    const bulk = async (request: FastifyRequest<{ Params: { index?: string } }>, reply: FastifyReply) => {
      const params = checkParams(request, [...writeParams, 'pipeline', '_source', '_source_includes', '_source_excludes', 'list_executed_pipelines']);
      if (params.pipeline !== undefined) throw new CdrQueryError('illegal_argument_exception', '[pipeline] is not supported by callrouter: there are no ingest pipelines');
      forcedRefresh(params);
      // A client that leaves mid-body ends the body's stream, and so the upload; once the body is all there, its write
      // runs whether its client still waits or not (ending the thread under it would cut other requests short too).
      const body = limitedBody(request, reply);
      const options = { index: request.params.index };
      // `filter_path` and `pretty` rework the response object (./wire.ts); without them it comes as the JSON it is sent as.
      if ('filter_path' in params || 'pretty' in params) return store.bulk(body, options);
      return reply.type('application/json; charset=utf-8').send(await store.bulkJson(body, options));
    };
    for (const url of ['/_bulk', '/:index/_bulk']) scope.route({ method: ['PUT', 'POST'], url, handler: bulk });
  });
}
