/**
 * `POST /cdr/freeswitch`: FreeSWITCH's mod_json_cdr posting one leg's CDR,
 * whatever its `encode` setting: a JSON body (`encode=false`), a form field
 * `cdr=` holding URL-encoded JSON (`encode=true`) or base64 JSON
 * (`encode=base64`, whose `+` and `/` may arrive unescaped). The leg's uuid is
 * its `_id`, so a retried post replaces rather than duplicates.
 */
import type { FastifyInstance } from 'fastify';
import { cdrFromFreeswitch, freeswitchCdrId, freeswitchDomain, FreeswitchCdrError } from '../document/freeswitch.js';
import { writeResponse, writeStatus } from '../bulk.js';
import { checkJsonDepth } from '../json-depth.js';
import { CdrQueryError, type CdrService } from '../store.js';
import { checkParams, forcedRefresh } from './params.js';
import { jsonBody, textBody } from './wire.js';

function malformed(reason: string): CdrQueryError {
  return new CdrQueryError('parsing_exception', reason);
}

/** The still-encoded text of form field `name`. */
function rawFormField(body: string, name: string): string | undefined {
  for (const pair of body.split('&')) {
    const equals = pair.indexOf('=');
    if (equals >= 0 && pair.slice(0, equals) === name) return pair.slice(equals + 1).trim();
  }
  return undefined;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw malformed('form field [cdr] holds a malformed %-escape');
  }
}

/** The CDR JSON a form body carries: URL-encoded JSON (it starts with `{`), else base64, whose `+` is not a space. */
function formCdr(body: string): unknown {
  const raw = rawFormField(body, 'cdr');
  if (raw === undefined) throw malformed('expected a form field [cdr] holding the JSON CDR');
  const urlEncoded = raw.startsWith('{') || raw.toUpperCase().startsWith('%7B');
  const text = urlEncoded ? percentDecode(raw.replace(/\+/g, ' ')) : Buffer.from(percentDecode(raw), 'base64').toString('utf8');
  checkJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw malformed(`[cdr] is neither URL-encoded nor base64 JSON: ${(error as Error).message}`);
  }
}

export interface FreeswitchRouteOptions {
  store: Pick<CdrService, 'write'>;
  /** Zone of FreeSWITCH's local-time stamps for a domain. */
  timeZoneOf: (domain: string | undefined) => string;
}

export function registerFreeswitchRoute(app: FastifyInstance, { store, timeZoneOf }: FreeswitchRouteOptions): void {
  app.post('/cdr/freeswitch', async (request, reply) => {
    const params = checkParams(request, ['refresh', 'uuid']);
    const type = String(request.headers['content-type'] ?? '');
    const body = type.startsWith('application/x-www-form-urlencoded') ? formCdr(textBody(request)) : jsonBody(request);
    let document;
    let id;
    try {
      document = cdrFromFreeswitch(body, timeZoneOf(freeswitchDomain(body)));
      id = freeswitchCdrId(body);
    } catch (error) {
      if (error instanceof FreeswitchCdrError) throw malformed(error.message);
      throw error;
    }
    const [result] = await store.write([{ id, document, mode: 'index' }]);
    if (!result.ok) throw new CdrQueryError(result.type, result.reason, result.status);
    reply.status(writeStatus(result));
    return writeResponse(result, forcedRefresh(params));
  });
}
