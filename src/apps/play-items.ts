/**
 * What playback (and tts, ringback) plays: Webitel file objects compiled into
 * prompts, as both dialects write them — ACR's `{name, type}` and
 * flow_manager's `{id, name, type: "audio/wav"}` (a media file's MIME type),
 * `{type: "tts", tts: {…}}` and `{type: "silence"}` without a length. A
 * literal absolute WAV path is checked when the schema loads; a relative one
 * (a FreeSWITCH sound path, under `${sound_prefix}`) or one with `${…}` when
 * it is played. Type `wav`, or none, is a file of the domain's media folder
 * (Webitel's uploaded media), checked at load when the route's domain is
 * known. A `local` name is read as FreeSWITCH read it: a URL (`http(s)://`,
 * `http_cache://`) is downloaded (`RemoteAudio`), `tone_stream://`,
 * `silence_stream://` and `file_string://a!b` are what they say. `say` (and a name `${say_string …}`) is spoken by espeak-ng. Types
 * that need what we do not have (mp3, shout) load, and are skipped when played.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { PlayItem } from '../call/call.js';
import { promptFromChannelValue } from '../call/channel-prompts.js';
import type { AppContext, LoadContext, LoadProblem } from '../engine/app.js';
import { Template } from '../engine/template.js';
import { parseToneStream } from '../media/audio/tone-stream.js';
import { loadWavSync } from '../media/audio/wav-file.js';
import { mediaFilePath } from '../media/media-folder.js';
import { flag, webitelObject } from './args.js';
import { sayStringOf, sayText, type SayTemplate } from './say.js';
import { remoteRequestOf } from './services/remote-audio.js';
import { LOCAL_PROVIDER, localProviderInstalled } from './services/speech.js';
import { cloudProviderShape, speak, speechProviderProblem, textTypeSchema, voiceSchema, type Utterance } from './speak.js';

/** The types this server plays from files and specs; Webitel's others (mp3, shout) need what we do not have. */
const PLAYABLE_TYPES = ['local', 'silence', 'tone', 'wav'] as const;
type PlayableType = (typeof PLAYABLE_TYPES)[number];

/** flow_manager names a media file's type by its MIME type. */
const MIME_TYPES: Readonly<Record<string, string>> = { 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/mp3': 'mp3', 'audio/mpeg': 'mp3' };

/** An hour: silence without a length (FreeSWITCH's endless `silence_stream://-1`) outlasts any prompt, ringing or hold it is played for. */
const ENDLESS_SILENCE_MS = '3600000';

type UtteranceTemplate = Omit<Utterance, 'text'> & { text: Template };

export type PlayItemTemplate =
  | { type: PlayableType; name: Template; refresh?: boolean }
  | { type: 'tts'; utterance: UtteranceTemplate }
  | { type: 'say'; say: SayTemplate }
  | { type: 'unavailable'; written: string; name: Template; reason: string };

/** No mp3 decoder is part of the router: a well-kept pure-JavaScript one does not exist on npm. */
const MP3_REASON = 'mp3 not supported: convert to WAV (8 or 16 kHz mono)';

/** Why a type cannot be played here; what the original needed for it. */
const UNAVAILABLE_REASON = `needs what Webitel's media server had (shout streams, its media store); playable here: ${PLAYABLE_TYPES.join(', ')}, say, tts`;
const SAY_REASON = `say is spoken by ${LOCAL_PROVIDER}, which is not installed (apt-get install espeak-ng)`;

const fileName = z.union([z.string(), z.number()]).transform((value) => Template.compile(String(value)));

/** flow_manager's `tts` settings of a file to play. */
const ttsFileSettings = webitelObject({
  text: z.union([z.string(), z.number()]).transform((value) => Template.compile(String(value))),
  provider: z.string().optional(),
  voice: voiceSchema.optional(),
  language: z.string().optional(),
  textType: textTypeSchema.optional(),
  ...cloudProviderShape,
});

/** `{name, type, lang, method, refresh}` (ACR), `{id, name, type, args, tts}` (flow_manager): a file to play. */
export const fileObjectShape = {
  name: fileName.optional(),
  type: z.string().optional(),
  lang: z.string().optional(),
  method: z.string().optional(),
  refresh: flag.optional(),
  /** flow_manager's media file id; the file is found here by its name. */
  id: z.union([z.number(), z.string()]).optional(),
  /** flow_manager's `http_audio` request. */
  args: z.unknown().optional(),
  tts: ttsFileSettings.optional(),
};

type FileObject = z.output<ReturnType<typeof webitelObject<typeof fileObjectShape>>>;

/** A file object as written, compiled; issues are added to `ctx`. */
export function toPlayItemTemplate(file: FileObject, ctx: z.RefinementCtx): PlayItemTemplate {
  if (file.type === 'tts') {
    if (!file.tts) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tts'], message: 'expected the text to speak: tts {text, language, voice}' });
      return z.NEVER;
    }
    const problem = speechProviderProblem();
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tts'], message: problem });
    const { text, provider, voice, language, textType } = file.tts;
    return { type: 'tts', utterance: { text, provider, voice, language, ssml: textType ?? false } };
  }
  const name = file.name ?? (file.type === 'silence' ? Template.compile(ENDLESS_SILENCE_MS) : undefined);
  if (!name) {
    if (file.id !== undefined) return { type: 'unavailable', written: `media id ${file.id}`, name: Template.compile(''), reason: `${UNAVAILABLE_REASON}; give the file's name` };
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'missing; expected the name of the file' });
    return z.NEVER;
  }
  const sayString = sayStringOf(name.text);
  if (file.type === 'say' || sayString) return { type: 'say', say: sayString ?? { value: name, language: file.lang, method: file.method ?? 'number pronounced' } };
  const type = typeOf(file.type, name);
  if (!(PLAYABLE_TYPES as readonly string[]).includes(type)) {
    return { type: 'unavailable', written: file.type ?? type, name, reason: type === 'mp3' ? MP3_REASON : UNAVAILABLE_REASON };
  }
  const item = { type: type as PlayableType, name, refresh: file.refresh };
  // A relative file is under the call's sound_prefix, a URL is fetched: both are checked when played.
  const prompt = name.isConstant && item.type !== 'wav' ? toPlayItem(item.type, name.text, NO_PLACES) : undefined;
  if (prompt && (prompt.kind !== 'file' || isAbsolute(prompt.path))) {
    const problem = playItemProblem(prompt);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: problem });
  }
  return item;
}

export const playItemSchema = webitelObject(fileObjectShape).transform(toPlayItemTemplate);

/** The type a file is played as: as written (a MIME type as its short name); none, a file of the domain's media (an `.mp3` one is mp3). */
function typeOf(written: string | undefined, name: Template): string {
  if (written !== undefined) return MIME_TYPES[written] ?? written;
  return name.isConstant && name.text.toLowerCase().endsWith('.mp3') ? 'mp3' : 'wav';
}

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
  return promptFromChannelValue(name, places.soundPrefix);
}

/** Where this call's files are: its sound_prefix, and its domain's media folder. */
export function playPlaces(ctx: AppContext): PlayPlaces {
  const { mediaDir } = ctx.services.acr;
  return {
    soundPrefix: ctx.call.getVariable('sound_prefix'),
    mediaFile: (name) => {
      if (!mediaDir) throw new Error(`no media folder for ${JSON.stringify(name)}: the router has none configured (media.dir)`);
      return mediaFilePath(mediaDir, ctx.domainName, name);
    },
  };
}

type Resolved = { items: PlayItem[] } | { skip: string } | { fail: string };

/**
 * A file object at run time: the prompts to play; one to skip (a type not
 * playable here), or one that fails (a bad substituted value, speech that
 * cannot be rendered, a download), with why. A missing file is found when it
 * is played.
 */
export async function resolvePlayItem(ctx: AppContext, file: PlayItemTemplate): Promise<Resolved> {
  if (file.type === 'tts' || file.type === 'say') {
    if (file.type === 'say' && !localProviderInstalled()) return { skip: `skipping say "${ctx.expand(file.say.value)}": ${SAY_REASON}` };
    const utterance = file.type === 'tts' ? { ...file.utterance, text: ctx.expand(file.utterance.text) } : { text: sayText(ctx.expand(file.say.value), file.say.method), language: file.say.language, ssml: false };
    const spoken = await speak(ctx, utterance);
    return 'error' in spoken ? { fail: spoken.error } : { items: [{ kind: 'file', path: spoken.path }] };
  }
  const name = ctx.expand(file.name);
  if (file.type === 'unavailable') return { skip: `skipping ${file.written} "${name}": ${file.reason}` };
  if (file.type === 'local') return resolveLocal(ctx, name, file.refresh);
  try {
    return checked(toPlayItem(file.type, name, playPlaces(ctx)));
  } catch (error) {
    return { fail: (error as Error).message };
  }
}

const FILE_STRING = 'file_string://';

/** A `local` name as FreeSWITCH read it: a file, a URL, `tone_stream://`, `silence_stream://`, or `file_string://a!b` of those. */
async function resolveLocal(ctx: AppContext, name: string, refresh: boolean | undefined): Promise<Resolved> {
  if (name.toLowerCase().startsWith(FILE_STRING)) {
    const items: PlayItem[] = [];
    for (const part of name.slice(FILE_STRING.length).split('!')) {
      const resolved = await resolveLocal(ctx, part, refresh);
      if ('fail' in resolved) return resolved;
      if ('skip' in resolved) ctx.log(resolved.skip);
      else items.push(...resolved.items);
    }
    return { items };
  }
  const remote = remoteRequestOf(name, refresh);
  if (remote === 'stream') return { skip: `skipping stream "${name}": ${MP3_REASON}` };
  if (!remote) return checked(toPlayItem('local', name, playPlaces(ctx)));
  try {
    return { items: [{ kind: 'file', path: await ctx.services.acr.remoteAudio.file(remote) }] };
  } catch (error) {
    return { fail: (error as Error).message };
  }
}

/** A tone or silence that cannot be played fails now; a file, when it is played. */
function checked(item: PlayItem): Resolved {
  const problem = item.kind === 'file' ? undefined : playItemProblem(item);
  return problem ? { fail: problem } : { items: [item] };
}

/** The load context of each domain's routes: files of `<mediaRoot>/<domain>/`. */
export function mediaLoadContext(mediaRoot: string): (domain: string) => LoadContext {
  return (domain) => ({ domain, mediaFile: (name) => mediaFilePath(mediaRoot, domain, name) });
}

/** Load-time checks with the route's domain known: a literal `wav` must be in its media folder, a literal mp3 cannot be played. */
export function playItemsLoadProblems(files: readonly PlayItemTemplate[], context: LoadContext, at: (index: number) => (string | number)[]): LoadProblem[] {
  return files.flatMap((file, index): LoadProblem[] => {
    if (file.type === 'tts' || file.type === 'say' || !file.name.isConstant) return [];
    if (file.type === 'unavailable') return file.reason === MP3_REASON ? [{ path: [...at(index), 'type'], message: MP3_REASON }] : [];
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
