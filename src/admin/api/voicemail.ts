/**
 * Voice mailboxes and call recordings under /api/v1: a user's messages
 * listed (JSON), each downloadable as audio/wav and deletable, and the
 * recordings of recordSession / recordFile by file name. A domain-admin
 * reaches its own domain only.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Directory } from '../../directory/directory.js';
import { decodeWav } from '../../media/audio/wav-file.js';
import type { VoicemailStore } from '../../voicemail/store.js';
import type { Permission } from '../roles.js';
import { ApiError, notFound } from './api-error.js';
import { domainUserParams, type ApiRoutes } from './api-route.js';
import { sendWav } from './wav-reply.js';

export interface VoicemailSource {
  directory: Directory;
  voicemail: VoicemailStore;
  /** `<dataDir>/recordings`: recordings are `<domain>/<file>.wav` under it. */
  recordingsDir: string;
}

export const voicemailMessage = z.object({
  id: z.string(),
  domain: z.string(),
  user: z.string(),
  callerIdNumber: z.string(),
  callerIdName: z.string(),
  receivedAt: z.string().datetime(),
  durationMs: z.number(),
  callUuid: z.string(),
  heard: z.boolean(),
});

const messageParams = domainUserParams.extend({ msgId: z.string().min(1) });
/** A greeting is a prompt: a few seconds, never more than this. */
const MAX_GREETING_BYTES = 8 * 1024 * 1024;

/** A recording's file name as recordings are named: no folders, no dot first. */
const RECORDING_FILE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.wav$/;

export function voicemailRoutes(app: FastifyInstance, routes: ApiRoutes, prefix: string, source: VoicemailSource): void {
  const { directory, voicemail } = source;
  const mailboxOf = (params: { domain: string; id: string }, domainScope: string | undefined) => {
    const user = domainScope === undefined || domainScope === params.domain ? directory.user(params.domain, params.id) : undefined;
    if (!user) throw notFound(`user ${params.id} in domain ${params.domain}`);
    return user;
  };
  routes.add({
    method: 'GET',
    url: '/voicemail/:domain/:id',
    summary: "A user's voicemail messages, oldest first",
    permission: 'directory.read',
    params: domainUserParams,
    response: z.object({ messages: z.array(voicemailMessage) }),
    handler: async ({ params, domainScope }) => {
      mailboxOf(params, domainScope);
      return { messages: await voicemail.list(params.domain, params.id) };
    },
  });
  routes.add({
    method: 'DELETE',
    url: '/voicemail/:domain/:id/:msgId',
    summary: 'Deletes a voicemail message (its audio and its entry)',
    permission: 'admin',
    params: messageParams,
    response: z.object({ deleted: z.string() }),
    handler: async ({ params, domainScope }) => {
      mailboxOf(params, domainScope);
      if (!(await voicemail.delete(params.domain, params.id, params.msgId))) throw notFound(`message ${params.msgId}`);
      return { deleted: params.msgId };
    },
  });
  greetingRoutes(app, routes, prefix, source, mailboxOf);
  audioRoute(app, routes, prefix, {
    url: '/voicemail/:domain/:id/:msgId',
    summary: 'A voicemail message as audio/wav (8 kHz mono)',
    permission: 'directory.read',
    file: async (params) => {
      const message = directory.user(params.domain, params.id) && (await voicemail.get(params.domain, params.id, params.msgId));
      return message ? { path: voicemail.audioPath(params.domain, params.id, message.id), name: `${message.id}.wav` } : undefined;
    },
  });
  audioRoute(app, routes, prefix, {
    url: '/recordings/:domain/:file',
    summary: 'A call recording (recordSession: stereo, recordFile: mono) by the file name in webitel_record_file_name',
    permission: 'cdr.read',
    file: async (params) => (RECORDING_FILE.test(params.file) ? { path: join(source.recordingsDir, params.domain, params.file), name: params.file } : undefined),
  });
}

/**
 * `PUT /voicemail/:domain/:id/greeting` with a WAV body (Content-Type
 * audio/wav: mono, 8 or 16 kHz, 16-bit or G.711) replaces the user's
 * greeting; DELETE goes back to the generated one. Admins only.
 */
function greetingRoutes(
  app: FastifyInstance,
  routes: ApiRoutes,
  prefix: string,
  source: VoicemailSource,
  mailboxOf: (params: { domain: string; id: string }, domainScope: string | undefined) => unknown,
): void {
  const url = '/voicemail/:domain/:id/greeting';
  const access = (method: string) => ({ permission: 'admin' as const, domains: { param: 'domain' }, dialect: 'plain' as const, action: `${method} ${prefix}${url}` });
  routes.document({
    method: 'PUT',
    url,
    summary: "Replaces a user's voicemail greeting: the body is a WAV file (Content-Type audio/wav; mono, 8 or 16 kHz)",
    permission: 'admin',
    status: 200,
    response: { mediaType: 'application/json', description: '{"greeting": "<path>"}' },
  });
  app.addContentTypeParser('audio/wav', { parseAs: 'buffer', bodyLimit: MAX_GREETING_BYTES }, (_request, body, done) => done(null, body));
  app.put(url, {
    config: { access: access('PUT') },
    handler: async (request) => {
      const params = request.params as { domain: string; id: string };
      mailboxOf(params, undefined);
      if (!Buffer.isBuffer(request.body)) throw new ApiError(415, 'expected a WAV file with Content-Type audio/wav');
      try {
        decodeWav('the greeting', request.body);
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      await source.voicemail.setGreeting(params.domain, params.id, request.body);
      return { greeting: await source.voicemail.greeting(params.domain, params.id) };
    },
  });
  routes.add({
    method: 'DELETE',
    url,
    summary: "Removes a user's voicemail greeting (callers hear the generated one)",
    permission: 'admin',
    params: domainUserParams,
    response: z.object({ deleted: z.boolean() }),
    handler: async ({ params, domainScope }) => {
      mailboxOf(params, domainScope);
      return { deleted: await source.voicemail.setGreeting(params.domain, params.id, undefined) };
    },
  });
}

interface AudioRoute {
  url: string;
  summary: string;
  permission: Permission;
  file(params: Record<string, string>): Promise<{ path: string; name: string } | undefined>;
}

/** A GET that answers a WAV file; the token's domain must be the URL's. */
function audioRoute(app: FastifyInstance, routes: ApiRoutes, prefix: string, route: AudioRoute): void {
  routes.document({
    method: 'GET',
    url: route.url,
    summary: route.summary,
    permission: route.permission,
    status: 200,
    response: { mediaType: 'audio/wav', description: 'the WAV file' },
  });
  app.get(route.url, {
    config: { access: { permission: route.permission, domains: { param: 'domain' }, dialect: 'plain', action: `GET ${prefix}${route.url}` } },
    handler: async (request, reply) => {
      const file = await route.file(request.params as Record<string, string>);
      if (!file) throw notFound(request.url.slice(prefix.length));
      return sendWav(reply, file.path, file.name);
    },
  });
}
