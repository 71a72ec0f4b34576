import type { Template } from '../engine/template.js';
import type { AppContext, AppOutcome } from '../engine/app.js';
import { template, variableName, webitelObject } from './args.js';
import { callByUuid } from './other-calls.js';

export interface UuidBridgeArgs {
  uuid: Template;
  otherUuid: Template;
  exportVar: string;
}

/** `{ uuid, other_uuid, exportVar }`: the original's API `uuid_bridge`, its reply into `exportVar`. */
export const uuidBridgeArgs = webitelObject({ uuid: template, other_uuid: template, exportVar: variableName.default('uuid_bridge_res') })
  .transform(({ uuid, other_uuid, exportVar }): UuidBridgeArgs => ({ uuid, otherUuid: other_uuid, exportVar }));

/**
 * Connects two calls in progress by uuid (this call may be one of them), as
 * FreeSWITCH's uuid_bridge: `+OK <uuid>` or `-ERR <why>` in `exportVar`.
 * When this call is connected, its flow waits until it hangs up and ends.
 */
export async function bridgeByUuid(ctx: AppContext, args: UuidBridgeArgs): Promise<AppOutcome> {
  const uuids = [ctx.expand(args.uuid).trim(), ctx.expand(args.otherUuid).trim()];
  const [a, b] = uuids.map((uuid) => callByUuid(ctx, uuid));
  const missing = [a, b].find((call) => typeof call === 'string');
  if (typeof a === 'string' || typeof b === 'string') return failed(ctx, args, missing as string);
  const connection = await ctx.services.acr.switchboard.connect(a, b);
  if (!connection.connected) return failed(ctx, args, connection.reason);
  ctx.setVariable(args.exportVar, `+OK ${b.uuid}`);
  const result = `connected call ${a.uuid} to ${b.uuid}`;
  if (a !== ctx.call && b !== ctx.call) return { result };
  await ctx.call.ended();
  return { result: `${result}; connected until hang-up`, next: 'end' };
}

function failed(ctx: AppContext, args: UuidBridgeArgs, reason: string): AppOutcome {
  ctx.setVariable(args.exportVar, `-ERR ${reason}`);
  return { result: `not connected: ${reason}` };
}
