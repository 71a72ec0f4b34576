import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { template, webitelObject } from './args.js';

/**
 * `pickup: "<group>"` (FreeSWITCH's `pickup <group>@<domain>`), or
 * flow_manager's `pickup: { "name": "<group>" }`: takes the
 * oldest call of the domain ringing with that pickup group (a `bridge` with
 * `pickup: "<group>"`) — its targets stop ringing and the two calls are
 * connected until either hangs up. Nothing ringing: the flow goes on.
 */
export const pickupApp: AppSpec<Template> = {
  name: 'pickup',
  usesMedia: true,
  args: z
    .union([template, webitelObject({ name: template }).transform(({ name }) => name)])
    .refine((group) => !group.isConstant || group.text.trim() !== '', 'expected a pickup group name'),
  async run(ctx, group) {
    const name = ctx.expand(group).trim();
    if (name === '') return { result: 'nothing picked up: the group name is empty' };
    let settle: (connected: boolean) => void = () => {};
    const connected = new Promise<boolean>((resolve) => (settle = resolve));
    const ringing = ctx.services.acr.pickupGroups.take(ctx.domainName, name, ctx.call, connected);
    if (!ringing) return { result: `nothing rings in pickup group ${name}` };
    const connection = await ctx.services.acr.switchboard.connect(ctx.call, ringing.call);
    settle(connection.connected);
    if (!connection.connected) return { result: `call ${ringing.call.uuid} of pickup group ${name} could not be picked up: ${connection.reason}` };
    await ctx.call.ended();
    return { result: `picked up call ${ringing.call.uuid} of pickup group ${name}; connected until hang-up`, next: 'end' };
  },
};
