/**
 * A user's voice mailbox beside its live state: `/users/:domain/:id/voicemail`
 * lists the messages, `/…/voicemail/:msgId` downloads one as audio/wav, and
 * DELETE on it removes it (admin tokens).
 */
import type { FastifyInstance } from 'fastify';
import type { Directory } from '../directory/directory.js';
import type { VoicemailStore } from '../voicemail/store.js';
import { sendWav } from '../admin/api/wav-reply.js';

export interface VoicemailHttpOptions {
  directory: Directory;
  voicemail: VoicemailStore;
}

type MailboxParams = { domain: string; id: string };
type MessageParams = MailboxParams & { msgId: string };

export async function voicemailHttpPlugin(app: FastifyInstance, options: VoicemailHttpOptions): Promise<void> {
  const { directory, voicemail } = options;
  const noUser = ({ domain, id }: MailboxParams) => ({ error: `no user ${id} in domain ${domain}` });
  app.get<{ Params: MailboxParams }>('/users/:domain/:id/voicemail', async (request, reply) => {
    const { domain, id } = request.params;
    if (!directory.user(domain, id)) return reply.code(404).send(noUser(request.params));
    return { messages: await voicemail.list(domain, id) };
  });
  app.get<{ Params: MessageParams }>('/users/:domain/:id/voicemail/:msgId', async (request, reply) => {
    const { domain, id, msgId } = request.params;
    if (!directory.user(domain, id)) return reply.code(404).send(noUser(request.params));
    const message = await voicemail.get(domain, id, msgId);
    if (!message) return reply.code(404).send({ error: `no message ${msgId} for ${id}` });
    return sendWav(reply, voicemail.audioPath(domain, id, message.id), `${message.id}.wav`);
  });
  app.delete<{ Params: MessageParams }>('/users/:domain/:id/voicemail/:msgId', async (request, reply) => {
    const { domain, id, msgId } = request.params;
    if (!directory.user(domain, id)) return reply.code(404).send(noUser(request.params));
    if (!(await voicemail.delete(domain, id, msgId))) return reply.code(404).send({ error: `no message ${msgId} for ${id}` });
    return reply.code(204).send();
  });
}
