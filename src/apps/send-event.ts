import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { flag, scalarTemplate, webitelObject } from './args.js';

interface SendEventArgs {
  data: [string, Template][];
  dump: boolean;
}

/** The original fired FreeSWITCH CUSTOM events of this subclass; webhooks receive the same name. */
export const HOOK_EVENT = 'ACR::HOOK';

/**
 * `sendEvent`: `{ "data": { "myUUID": "${uuid}" }, "dump": false }` sends
 * `{ event, domain, uuid, data[, variables] }` to the live event stream
 * (`app.event`) and posts it as JSON to the domain's `events.webhook` when
 * one is configured (`dump: true` adds every channel variable). Not awaited,
 * as the original: the call goes on at once; a failed delivery is logged.
 */
export const sendEventApp: AppSpec<SendEventArgs> = {
  name: 'sendEvent',
  args: webitelObject({
    data: z.record(z.string().min(1), scalarTemplate).default({}),
    dump: flag.default(false),
  })
    .transform(({ data, dump }) => ({ data: Object.entries(data), dump })),
  traceArgs: (args, ctx) => ({ data: Object.fromEntries(args.data.map(([key, value]) => [key, ctx.expand(value)])), dump: args.dump }),
  run(ctx, args) {
    const event: Record<string, unknown> = {
      event: HOOK_EVENT,
      domain: ctx.domainName,
      uuid: ctx.call.uuid,
      timestamp: ctx.clock.now().toISOString(),
      data: Object.fromEntries(args.data.map(([key, value]) => [key, ctx.expand(value)])),
    };
    if (args.dump) event.variables = Object.fromEntries(ctx.call.variables());
    ctx.services.acr.hookEvents.report(ctx.domainName, event);
    const webhook = ctx.services.acr.settings(ctx.domainName).events;
    if (!webhook) return { result: `${HOOK_EVENT} sent to the event stream; no events.webhook configured for ${ctx.domainName || 'the domain'}` };
    const log = ctx.services.logger;
    ctx.services.acr
      .fetch(webhook.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...webhook.headers },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(webhook.timeoutMs),
      })
      .then(async (response) => {
        await response.body?.cancel();
        if (!response.ok) log.warn({ uuid: ctx.call.uuid, app: 'sendEvent', status: response.status }, 'webhook refused the event');
      })
      .catch((error: unknown) => log.warn({ uuid: ctx.call.uuid, app: 'sendEvent', err: error }, 'event not delivered'));
    return { result: `${HOOK_EVENT} sent to the event stream and posted to ${new URL(webhook.webhook).origin}` };
  },
};
