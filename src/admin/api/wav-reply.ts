/** Sends a WAV file (a voicemail message, a recording) as `audio/wav`, streamed; 404 when it is gone. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyReply } from 'fastify';
import { errorBody } from './api-error.js';

export async function sendWav(reply: FastifyReply, path: string, downloadName: string): Promise<FastifyReply> {
  const size = await stat(path).then(
    (info) => (info.isFile() ? info.size : undefined),
    () => undefined,
  );
  if (size === undefined) return reply.code(404).send(errorBody(404, `${downloadName} not found`));
  return reply
    .header('content-type', 'audio/wav')
    .header('content-length', size)
    .header('content-disposition', `attachment; filename="${downloadName.replace(/[^A-Za-z0-9_.-]/g, '_')}"`)
    .send(createReadStream(path));
}
