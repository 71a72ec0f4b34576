/**
 * What every configuration route shares: who the actor is, the revision
 * headers (`ETag` of an object, `X-Config-Revision` of the whole), If-Match,
 * and turning the store's refusals into API errors — a change that does not
 * validate is a 400 with the JSON path of each problem in the request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../config/store/config-store.js';
import { RevisionConflictError } from '../../config/store/config-store.js';
import { ReadOnlyConfigurationError, type ChangeResult, type Configuration } from '../../config/store/configuration.js';
import type { ConfigIssue } from '../../config/store/stored-domains.js';
import { ApiError, type ApiIssue } from './api-error.js';

export const REVISION_HEADER = 'x-config-revision';

/** The refusals of configuration changes, for the OpenAPI document. */
export const CHANGE_ERRORS = {
  '409': 'the name is taken, the configuration changed in another process meanwhile, or the router runs from its file (configSource "file")',
  '412': 'If-Match names an older revision of the object: read it again',
};

export function actorOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  if (!principal) return { kind: 'token', id: '', name: 'anonymous' };
  return principal.account !== undefined
    ? { kind: 'account', id: principal.account, name: principal.account }
    : { kind: 'token', id: principal.tokenId, name: principal.name };
}

/** `If-Match: "12"`, `W/"12"` or `12`; `*` matches any existing object. */
export function checkIfMatch(request: FastifyRequest, objectRevision: number | undefined, what: string): void {
  const header = request.headers['if-match'];
  if (header === undefined) return;
  const wanted = header.split(',').map((tag) => tag.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  if (objectRevision !== undefined && (wanted.includes('*') || wanted.includes(String(objectRevision)))) return;
  throw new ApiError(412, `${what} is at revision ${objectRevision ?? '(deleted)'}, not ${wanted.join(', ')}: read it again and redo the change`);
}

export function setRevisionHeaders(reply: FastifyReply, configRevision: number, objectRevision?: number): void {
  reply.header(REVISION_HEADER, String(configRevision));
  if (objectRevision !== undefined) reply.header('etag', `"${objectRevision}"`);
}

/**
 * Runs a change; its issues become a 400 whose paths point into the request
 * body where the object is (`objectPath`, e.g. `domains[0].users[3]`) and into
 * `$.configuration` elsewhere (a number another route already has).
 */
export async function applyChange(
  configuration: Configuration,
  run: (configuration: Configuration) => Promise<ChangeResult>,
  objectPath: () => ObjectPath | undefined,
) {
  let result: ChangeResult;
  try {
    result = await run(configuration);
  } catch (error) {
    if (error instanceof ReadOnlyConfigurationError || error instanceof RevisionConflictError) throw new ApiError(409, error.message);
    throw error;
  }
  if (!result.ok) {
    const issues = result.issues.map((issue) => locate(issue, objectPath()));
    throw new ApiError(400, `the change does not validate: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
  }
  return result.configuration;
}

/** Where the changed object is in the configuration, and where that is in the request (`$.body`, or `$.body.numbers` for a number list). */
export interface ObjectPath {
  config: string;
  body: string;
}

function locate(issue: ConfigIssue, object: ObjectPath | undefined): ApiIssue {
  const at = object?.config;
  if (object && at !== undefined && (issue.path === at || issue.path.startsWith(`${at}.`) || issue.path.startsWith(`${at}[`))) {
    return { path: `${object.body}${issue.path.slice(at.length)}`, message: issue.message };
  }
  return { path: `$.configuration.${issue.path}`, message: issue.message };
}
