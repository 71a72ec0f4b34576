/**
 * Prompts that channel variables name, as FreeSWITCH reads `ringback`,
 * `transfer_ringback` and `hold_music`: a tone_stream spec
 * (`%(2000,4000,440,480)` or `tone_stream://…`), `silence_stream://<ms>`, or
 * a sound file (a relative path is under `sound_prefix`). The `ringback` app
 * writes them, `setVar` may too; the telephony adapter plays them. Also
 * how a prompt is described in logs and traces.
 */
import { isAbsolute, join } from 'node:path';
import type { PlayItem } from '../media/media-engine.js';

/** US ringback (FreeSWITCH's `us-ring`): what a caller hears while a bridge rings unless the schema says otherwise. */
export const DEFAULT_RINGBACK = '%(2000,4000,440,480)';
/** Music on hold of our own making: a quiet three-note chime every four seconds. */
export const DEFAULT_HOLD_MUSIC = 'v=-16;%(300,100,523);%(300,100,659);%(300,2900,784)';

const TONE_PREFIX = 'tone_stream://';
const SILENCE_PREFIX = 'silence_stream://';

/** A sound file's path: absolute as written, else under `sound_prefix` when one is set. */
export function soundFile(name: string, soundPrefix: string | undefined): string {
  return isAbsolute(name) || !soundPrefix ? name : join(soundPrefix, name);
}

/** The prompt a channel variable's value names. */
export function promptFromChannelValue(value: string, soundPrefix: string | undefined): PlayItem {
  const text = value.trim();
  if (text.startsWith(SILENCE_PREFIX)) return { kind: 'silence', ms: Number(text.slice(SILENCE_PREFIX.length)) };
  if (text.startsWith(TONE_PREFIX) || (text.includes('%(') && !text.includes('/'))) return { kind: 'tone', spec: text };
  return { kind: 'file', path: soundFile(text, soundPrefix) };
}

/** How a channel variable names a prompt (tone specs without their prefix, as the original wrote them). */
export function channelValueOfPrompt(item: PlayItem): string {
  if (item.kind === 'tone') return item.spec.replace(TONE_PREFIX, '');
  if (item.kind === 'silence') return `${SILENCE_PREFIX}${item.ms}`;
  return item.path;
}

/** A prompt in one phrase, for logs and traces. */
export function describePlayItem(item: PlayItem): string {
  if (item.kind === 'silence') return `silence ${item.ms} ms`;
  if (item.kind === 'tone') return `tone ${item.spec}`;
  return item.path;
}

type Variables = (name: string) => string | undefined;

/** The schema named a ringback or music on hold: the caller is to hear them. */
export function namesPrompts(variable: Variables): boolean {
  return ['ringback', 'transfer_ringback', 'hold_music'].some((name) => variable(name));
}

/** What the caller hears while a bridge rings: on an answered call `transfer_ringback` first, then `ringback`, else US ringback. */
export function ringbackPrompt(variable: Variables, answered: boolean): PlayItem {
  const value = (answered ? variable('transfer_ringback') : undefined) || variable('ringback') || DEFAULT_RINGBACK;
  return promptFromChannelValue(value, variable('sound_prefix'));
}

/** What one party hears while the other holds: `hold_music`, else our chime. */
export function holdMusicPrompt(variable: Variables): PlayItem {
  return promptFromChannelValue(variable('hold_music') || DEFAULT_HOLD_MUSIC, variable('sound_prefix'));
}
