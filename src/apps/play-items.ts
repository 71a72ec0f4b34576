/**
 * What playback (and later tts, ringback) plays: Webitel file objects
 * `{name, type}` compiled into prompts. A literal WAV name is checked when
 * the schema loads; one with `${…}` when it is played.
 */
import { z } from 'zod';
import type { PlayItem } from '../call/call.js';
import { loadWavSync } from '../media/audio/wav-file.js';
import { parseToneStream } from '../media/audio/tone-stream.js';
import { Template } from '../engine/template.js';

/** The types this server plays; Webitel's others (mp3, wav from the storage, shout, say) need a media storage we do not have yet. */
const PLAYABLE_TYPES = ['local', 'silence', 'tone'] as const;
type PlayableType = (typeof PLAYABLE_TYPES)[number];

export interface PlayItemTemplate {
  type: PlayableType;
  name: Template;
}

/** `{name, type, lang, method, refresh}` as Webitel writes a file to play. */
export const fileObjectShape = {
  name: z.union([z.string(), z.number()]).transform((value) => Template.compile(String(value))),
  type: z.string().optional(),
  lang: z.string().optional(),
  method: z.string().optional(),
  refresh: z.boolean().optional(),
};

export const playItemSchema = z
  .object(fileObjectShape)
  .strict()
  .transform((file, ctx): PlayItemTemplate => {
    const type = file.type ?? 'mp3';
    if (!(PLAYABLE_TYPES as readonly string[]).includes(type)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['type'],
        message: `type "${type}" is not supported yet: use ${PLAYABLE_TYPES.join(', ')} (local: a WAV file on this server)`,
      });
      return z.NEVER;
    }
    const item = { type: type as PlayableType, name: file.name };
    if (item.name.isConstant) {
      const problem = playItemProblem(toPlayItem(item.type, item.name.text));
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: problem });
    }
    return item;
  });

/** The prompt a file object names, once substituted. */
export function toPlayItem(type: PlayableType, name: string): PlayItem {
  if (type === 'silence') return { kind: 'silence', ms: Number(name.trim()) };
  if (type === 'tone') return { kind: 'tone', spec: name };
  return { kind: 'file', path: name };
}

/** Why the prompt cannot be played, if it cannot: a missing or unsupported WAV, a bad tone, a bad silence length. */
export function playItemProblem(item: PlayItem): string | undefined {
  try {
    if (item.kind === 'silence') {
      return Number.isInteger(item.ms) && item.ms >= 0 ? undefined : 'expected whole milliseconds of silence';
    }
    if (item.kind === 'tone') parseToneStream(item.spec);
    else loadWavSync(item.path);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
