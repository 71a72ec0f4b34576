/**
 * What the applications that act on other calls share (`park`, `pickup`,
 * `bridge {uuid}`, `hangup {uuid}`): finding a call by uuid, and what a held
 * caller hears.
 */
import type { Call, PlayItem } from '../call/call.js';
import { promptFromChannelValue } from '../call/channel-prompts.js';
import type { AppContext } from '../engine/app.js';
import { playItemProblem } from './play-items.js';

/**
 * What a held caller hears: `${hold_music}` read as a bridge reads it (a
 * tone, `silence_stream://…`, a WAV file, relative under `sound_prefix`) when
 * this server can play it; silence otherwise (FreeSWITCH's
 * `local_stream://moh` needs its music streams).
 */
export function holdMusic(ctx: AppContext): PlayItem | undefined {
  const written = ctx.variables.channel('hold_music')?.trim();
  if (!written) return undefined;
  const item = promptFromChannelValue(written, ctx.call.getVariable('sound_prefix'));
  const problem = playItemProblem(item);
  if (!problem) return item;
  ctx.log(`hold_music ${JSON.stringify(written)} cannot be played here (${problem}): silence instead`);
  return undefined;
}

/** The other call by uuid, this call included; why there is none. */
export function callByUuid(ctx: AppContext, uuid: string): Call | string {
  if (uuid === '') return 'no uuid given';
  if (uuid === ctx.call.uuid) return ctx.call;
  return ctx.services.acr.switchboard.find(uuid) ?? `no call ${uuid} is in progress`;
}
