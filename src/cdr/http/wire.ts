/**
 * Elasticsearch on the wire: the media types its clients send (plain and
 * vendored `application/vnd.elasticsearch+json; compatible-with=8`, NDJSON),
 * the `x-elastic-product` header their product check needs on every answer,
 * `pretty` and `filter_path`, and every error in Elasticsearch's shape.
 */
import { finished } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkJsonDepth } from '../json-depth.js';
import { CdrQueryError } from '../store.js';
import { applyFilterPath, compileFilterPath } from './filter-path.js';
import { isApiName } from './indices.js';

const PRODUCT = 'Elasticsearch';
/** Body types taken as text; handlers read them as JSON, NDJSON or form data. */
export const TEXT_BODY_TYPES = [
  'application/json',
  'application/x-ndjson',
  'application/vnd.elasticsearch+json',
  'application/vnd.elasticsearch+x-ndjson',
  'application/x-www-form-urlencoded',
  'text/plain',
];
const VENDORED = /application\/vnd\.elasticsearch\+(?:x-nd)?json\s*;\s*compatible-with\s*=\s*(\d+)/i;
const SUPPORTED_COMPATIBILITY = ['7', '8'];

/** The compatible-with version a request asked for in Accept or Content-Type, if any. */
function requestedCompatibility(request: FastifyRequest): string | undefined {
  for (const header of [request.headers.accept, request.headers['content-type']]) {
    const version = typeof header === 'string' ? VENDORED.exec(header)?.[1] : undefined;
    if (version !== undefined) return version;
  }
  return undefined;
}

/** The request body as JSON; an absent or blank body is undefined. Bad JSON is Elasticsearch's x_content_parse_exception. */
export function jsonBody(request: FastifyRequest): unknown {
  const text = textBody(request);
  if (text.trim() === '') return undefined;
  checkJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CdrQueryError('x_content_parse_exception', `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The request body as text (JSON, form bodies). */
export function textBody(request: FastifyRequest): string {
  return Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
}

export function errorResponse(error: FastifyError | Error): CdrQueryError {
  if (error instanceof CdrQueryError) return error;
  const status = (error as FastifyError).statusCode;
  if (status === 415) return new CdrQueryError('media_type_header_exception', `Content-Type header [${error.message.replace(/^Unsupported Media Type: ?/, '')}] is not supported`, 406);
  if (/^Z_/.test(String((error as NodeJS.ErrnoException).code))) return new CdrQueryError('parse_exception', `request body cannot be decompressed: ${error.message}`, 400);
  if (status === 413) return new CdrQueryError('content_too_long_exception', error.message, 413);
  if (status !== undefined && status < 500) return new CdrQueryError('parsing_exception', error.message, status);
  return new CdrQueryError('exception', error.message, 500);
}

export interface WireOptions {
  /**
   * The server answers nothing but the Elasticsearch API (`cdr serve`): every unknown path gets Elasticsearch's
   * answer. Otherwise (the router's port, shared with the console and the admin API) only paths shaped like its
   * endpoints do.
   */
  everyPath?: boolean;
}

/** Methods a path may be routed for, in the order an `allowed` list names them. */
const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;

/** A path Elasticsearch could have a handler for: an `_api` segment, or the CDR index and what is under it. */
function elasticsearchShaped(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('_')) || path === '/cdr' || path.startsWith('/cdr/');
}

export function registerWire(app: FastifyInstance, options: WireOptions = {}): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(TEXT_BODY_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Clients with `compression: true` gzip their request bodies.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'identity') return payload;
    if (encoding !== 'gzip' && encoding !== 'deflate') throw new CdrQueryError('illegal_argument_exception', `Content-Encoding [${encoding}] is not supported: gzip, deflate or none`);
    delete request.headers['content-length'];
    const decoded = payload.pipe(encoding === 'gzip' ? createGunzip() : createInflate());
    // pipe() does not pass on a client that left mid-body: a reader of the decoded stream (_bulk's) would wait for ever.
    finished(payload, (error) => {
      if (error) decoded.destroy(error);
    });
    return decoded;
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-elastic-product', PRODUCT);
    const version = requestedCompatibility(request);
    if (version !== undefined && !SUPPORTED_COMPATIBILITY.includes(version)) {
      throw new CdrQueryError('media_type_header_exception', `Invalid media-type value on headers [Accept, Content-Type]: compatible-with=${version} is not supported (7 or 8)`, 400);
    }
    const query = request.query as Record<string, unknown> | undefined;
    if (query && 'pretty' in query && query.pretty !== 'false') reply.serializer((payload) => `${JSON.stringify(payload, null, 2)}\n`);
  });

  app.addHook('preSerialization', async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    const filter = (request.query as Record<string, unknown> | undefined)?.filter_path;
    return typeof filter === 'string' ? applyFilterPath(payload, compileFilterPath(filter)) : payload;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const version = requestedCompatibility(request);
    const type = reply.getHeader('content-type');
    if (version !== undefined && typeof type === 'string' && type.startsWith('application/json')) {
      reply.header('content-type', `application/vnd.elasticsearch+json;compatible-with=${version}`);
    }
    return payload;
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const failure = errorResponse(error);
    reply.status(failure.status).send(failure.toResponse());
  });

  // A path with handlers for other methods is Elasticsearch's 405; one with none, its 400 `no handler found`.
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    if (!options.everyPath && !elasticsearchShaped(path)) {
      reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `Route ${request.method}:${path} not found` });
      return;
    }
    // `/:index` routes leave `_api` names to no handler (`GET /_stats` is not an index): they do not allow a method there.
    const allowed = ROUTED_METHODS.filter((method) => {
      const route = app.findRoute({ method, url: path });
      const index = (route?.params as Record<string, string> | undefined)?.index;
      return route !== null && !(index !== undefined && isApiName(index));
    });
    if (allowed.length > 0) {
      reply.status(405).header('allow', allowed.join(','));
      reply.send({ error: `Incorrect HTTP method for uri [${request.url}] and method [${request.method}], allowed: [${allowed.join(', ')}]`, status: 405 });
      return;
    }
    noHandler(request, reply);
  });
}

/** Elasticsearch's answer for an API it does not have: a plain string, not its usual error object. */
export function noHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(400).send({ error: `no handler found for uri [${request.url}] and method [${request.method}]`, status: 400 });
}
