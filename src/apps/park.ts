import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppContext, AppOutcome, AppSpec } from '../engine/app.js';
import { numberOrTemplate, template, webitelObject } from './args.js';
import { holdMusic } from './other-calls.js';

interface ParkArgs {
  name: Template;
  lot?: Template;
  auto?: 'in' | 'out';
}

/** A lot's slots as written: one slot `6001`, or a range `6001-6010` / `6001 6010`. */
function slotsOf(written: string): string[] | string {
  const text = written.trim();
  const range = /^(\d+)\s*[-\s]\s*(\d+)$/.exec(text);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (from > to || to - from >= MAX_SLOTS) return `expected a range of at most ${MAX_SLOTS} slots, low to high, got ${JSON.stringify(text)}`;
    return Array.from({ length: to - from + 1 }, (_, index) => String(from + index));
  }
  if (!/^[^\s]+$/.test(text)) return `expected a slot (6001) or a range (6001-6010), got ${JSON.stringify(text)}`;
  return [text];
}

const MAX_SLOTS = 10_000;

/** Takes the call parked in `slot` to this call: the two are connected until either hangs up. */
async function retrieve(ctx: AppContext, lot: string, slot: string): Promise<AppOutcome> {
  const parked = ctx.services.acr.parking.take(ctx.domainName, lot, slot);
  if (!parked) return { result: `nothing parked at ${lot} ${slot}` };
  const connection = await ctx.services.acr.switchboard.connect(ctx.call, parked.call);
  parked.settle(connection.connected);
  if (!connection.connected) return { result: `the call parked at ${lot} ${slot} could not be taken: ${connection.reason}` };
  ctx.setVariable('valet_lot_extension', slot);
  await ctx.call.ended();
  return { result: `took call ${parked.call.uuid} parked at ${lot} ${slot}; connected until hang-up`, next: 'end' };
}

/** Parks this call in `slot` until someone takes it or it hangs up; a taking that fails parks it again. */
async function park(ctx: AppContext, lot: string, slot: string): Promise<AppOutcome> {
  ctx.setVariable('valet_lot_extension', slot);
  const music = holdMusic(ctx);
  for (;;) {
    const parked = ctx.services.acr.parking.park(ctx.domainName, lot, slot, ctx.call);
    if (!parked) return { result: `slot ${lot} ${slot} was taken meanwhile; not parked` };
    ctx.log(`parked at ${lot} ${slot}`);
    if ((await ctx.call.hold(music, parked.release.signal)) === 'ended') return { result: `parked at ${lot} ${slot} until the caller hung up`, next: 'end' };
    // Released without being taken from the slot: another call joined it by uuid (bridge {uuid, other_uuid}).
    if (ctx.services.acr.parking.leave(ctx.domainName, lot, slot, parked)) {
      await ctx.call.ended();
      return { result: `parked at ${lot} ${slot}, joined by another call; connected until hang-up`, next: 'end' };
    }
    if (await parked.taken) {
      await ctx.call.ended();
      return { result: `parked at ${lot} ${slot}, taken; connected until hang-up`, next: 'end' };
    }
  }
}

/**
 * `park` (FreeSWITCH's valet_park): `{ name, lot }` parks the call in slot
 * `lot` of the domain's lot `name` — or, when a call is parked there
 * already, connects this call to it (that is how a parked call is taken).
 * `auto: "in"` parks in the first free slot of a range (`"6001-6010"`),
 * `auto: "out"` takes the first parked call of the range; a range without
 * `auto` is `in`, as flow_manager reads it. The slot is in
 * `${valet_lot_extension}`. A parked caller hears `${hold_music}` when it is
 * playable here (a tone, a WAV file), else silence.
 */
export const parkApp: AppSpec<ParkArgs> = {
  name: 'park',
  usesMedia: true,
  args: webitelObject({ name: template, lot: numberOrTemplate.optional(), auto: z.enum(['in', 'out']).optional() }).superRefine((args, ctx) => {
    if (!args.lot) return ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['lot'], message: 'expected a slot (6001) or a range (6001-6010)' });
    const slots = args.lot.isConstant ? slotsOf(args.lot.text) : undefined;
    if (typeof slots === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['lot'], message: slots });
  }),
  async run(ctx, args) {
    const lot = ctx.expand(args.name).trim();
    const slots = slotsOf(ctx.expand(args.lot as Template));
    if (typeof slots === 'string') return { result: `not parked: ${slots}` };
    // flow_manager parks in the range's first free slot when auto is not given; one slot is parked in or taken from.
    const auto = args.auto ?? (slots.length > 1 ? 'in' : undefined);
    if (lot === '') return { result: 'not parked: the lot name is empty' };
    const { parking } = ctx.services.acr;
    const occupied = (slot: string) => parking.occupied(ctx.domainName, lot, slot);
    if (auto === 'out') {
      const slot = slots.find(occupied);
      return slot ? retrieve(ctx, lot, slot) : { result: `no call parked in ${lot} ${slots[0]}-${slots.at(-1)}` };
    }
    if (auto === 'in') {
      const slot = slots.find((candidate) => !occupied(candidate));
      return slot ? park(ctx, lot, slot) : { result: `not parked: every slot of ${lot} ${slots[0]}-${slots.at(-1)} is taken` };
    }
    return occupied(slots[0]) ? retrieve(ctx, lot, slots[0]) : park(ctx, lot, slots[0]);
  },
};
