/**
 * What playback (and later tts, ringback) plays: Webitel file objects
 * `{name, type}` compiled into prompts. A literal absolute WAV path is
 * checked when the schema loads; a relative one (a FreeSWITCH sound path,
 * under `${sound_prefix}`) or one with `${…}` when it is played. Types that
 * need Webitel's media storage load, and are skipped when played.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { PlayItem } from '../call/call.js';
import { soundFile } from '../call/channel-prompts.js';
import { loadWavSync } from '../media/audio/wav-file.js';
import { parseToneStream } from '../media/audio/tone-stream.js';
import { Template } from '../engine/template.js';

/** The types this server plays; Webitel's others (mp3, wav from the storage, shout, say) need a media storage we do not have yet. */
const PLAYABLE_TYPES = ['local', 'silence', 'tone'] as const;
type PlayableType = (typeof PLAYABLE_TYPES)[number];

export type PlayItemTemplate = { type: PlayableType; name: Template } | { type: 'unavailable'; written: string; name: Template };

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
    if (!(PLAYABLE_TYPES as readonly string[]).includes(type)) return { type: 'unavailable', written: type, name: file.name };
    const item = { type: type as PlayableType, name: file.name };
    if (item.name.isConstant && (item.type !== 'local' || isAbsolute(item.name.text))) {
      const problem = playItemProblem(toPlayItem(item.type, item.name.text, undefined));
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: problem });
    }
    return item;
  });

/** Why a type cannot be played here; what the original needed for it. */
export const UNAVAILABLE_REASON = `needs Webitel's media storage (mp3, wav, shout, say); playable here: ${PLAYABLE_TYPES.join(', ')}`;

/** The prompt a file object names, once substituted; a relative local path is under `soundPrefix` (FreeSWITCH's sound_prefix). */
export function toPlayItem(type: PlayableType, name: string, soundPrefix: string | undefined): PlayItem {
  if (type === 'silence') return { kind: 'silence', ms: Number(name.trim()) };
  if (type === 'tone') return { kind: 'tone', spec: name };
  return { kind: 'file', path: soundFile(name, soundPrefix) };
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
