/**
 * What playback (and later tts, ringback) plays: Webitel file objects
 * `{name, type}` compiled into prompts. A literal absolute WAV path is
 * checked when the schema loads; a relative one (a FreeSWITCH sound path,
 * under `${sound_prefix}`) or one with `${…}` when it is played. Type `wav`
 * is a file of the domain's media folder (Webitel's uploaded media),
 * checked at load when the route's domain is known. Types that need what
 * we do not have (mp3, shout, say) load, and are skipped when played.
 */
import { isAbsolute } from 'node:path';
import type { LoadContext, LoadProblem } from '../engine/app.js';
import { z } from 'zod';
import type { PlayItem } from '../call/call.js';
import { soundFile } from '../call/channel-prompts.js';
import { loadWavSync } from '../media/audio/wav-file.js';
import { mediaFilePath } from '../media/media-folder.js';
import { parseToneStream } from '../media/audio/tone-stream.js';
import { Template } from '../engine/template.js';

/** The types this server plays; Webitel's others (mp3, shout, say) need what we do not have. */
const PLAYABLE_TYPES = ['local', 'silence', 'tone', 'wav'] as const;
type PlayableType = (typeof PLAYABLE_TYPES)[number];

export type PlayItemTemplate = { type: PlayableType; name: Template } | { type: 'unavailable'; written: string; name: Template; reason: string };

/** No mp3 decoder is part of the router: a well-kept pure-JavaScript one does not exist on npm. */
export const MP3_REASON = 'mp3 not supported: convert to WAV (8 or 16 kHz mono)';

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
      return { type: 'unavailable', written: type, name: file.name, reason: type === 'mp3' ? MP3_REASON : UNAVAILABLE_REASON };
    }
    const item = { type: type as PlayableType, name: file.name };
    if (item.name.isConstant && item.type !== 'wav' && (item.type !== 'local' || isAbsolute(item.name.text))) {
      const problem = playItemProblem(toPlayItem(item.type, item.name.text, NO_PLACES));
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: problem });
    }
    return item;
  });

/** Why a type cannot be played here; what the original needed for it. */
export const UNAVAILABLE_REASON = `needs what Webitel's media server had (shout streams, say phrases); playable here: ${PLAYABLE_TYPES.join(', ')}`;

/** Where the call's files are: FreeSWITCH's sound_prefix for `local`, the domain's media folder for `wav`. */
export interface PlayPlaces {
  soundPrefix?: string;
  /** Throws when there is no media folder or the name leaves it. */
  mediaFile(name: string): string;
}

/** The prompt a file object names, once substituted. */
export function toPlayItem(type: PlayableType, name: string, places: PlayPlaces): PlayItem {
  if (type === 'silence') return { kind: 'silence', ms: Number(name.trim()) };
  if (type === 'tone') return { kind: 'tone', spec: name };
  if (type === 'wav') return { kind: 'file', path: places.mediaFile(name) };
  return { kind: 'file', path: soundFile(name, places.soundPrefix) };
}

/** The load context of each domain's routes: files of `<mediaRoot>/<domain>/`. */
export function mediaLoadContext(mediaRoot: string): (domain: string) => LoadContext {
  return (domain) => ({ domain, mediaFile: (name) => mediaFilePath(mediaRoot, domain, name) });
}

/** Load-time checks with the route's domain known: a literal `wav` must be in its media folder, a literal mp3 cannot be played. */
export function playItemsLoadProblems(files: readonly PlayItemTemplate[], context: LoadContext, at: (index: number) => (string | number)[]): LoadProblem[] {
  return files.flatMap((file, index): LoadProblem[] => {
    if (!file.name.isConstant) return [];
    if (file.type === 'unavailable') return file.written === 'mp3' ? [{ path: [...at(index), 'type'], message: MP3_REASON }] : [];
    if (file.type !== 'wav') return [];
    let problem: string | undefined;
    try {
      problem = playItemProblem({ kind: 'file', path: context.mediaFile(file.name.text) });
    } catch (error) {
      problem = (error as Error).message;
    }
    return problem ? [{ path: [...at(index), 'name'], message: problem }] : [];
  });
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

const NO_PLACES: PlayPlaces = {
  mediaFile: () => {
    throw new Error('no media folder');
  },
};
