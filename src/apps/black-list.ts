import type { Flow, Step } from '../engine/flow.js';
import { compileJsonTemplate } from '../engine/json-template.js';
import { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, webitelObject } from './args.js';
import { breakApp } from './break.js';
import { hangupApp } from './hangup.js';

interface BlackListArgs {
  name: Template;
  number: Template;
  /** What a listed number gets; ends with a break, as in the original. */
  actions?: Flow;
}

const DEFAULT_CAUSE = Template.compile('INCOMING_CALL_BARRED');

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

/** The original always stopped the flow after a listed number's actions. */
function endingWithBreak(flow: Flow): Flow {
  const path = `${flow.path}[${flow.steps.length}]`;
  const step: Step = { app: breakApp, args: true, written: compileJsonTemplate(true), path, break: true, async: false };
  flow.steps.push(step);
  return flow;
}

/**
 * `blackList`: `{ "name": "spam", "number": "${caller_id_number}", "actions": [...] }`.
 * When the number's digits are in the domain's list `name` (configuration
 * `blackLists`), the actions run — by default hangup INCOMING_CALL_BARRED — and the flow stops.
 */
export const blackListApp: AppSpec<BlackListArgs> = {
  name: 'blackList',
  args: (nestedFlow) =>
    webitelObject({
      name: scalarTemplate,
      number: scalarTemplate.default('${caller_id_number}'),
      actions: nestedFlow.transform(endingWithBreak).optional(),
    }),
  async run(ctx, args) {
    const name = ctx.expand(args.name);
    const number = digits(ctx.expand(args.number));
    const list = ctx.services.acr.settings(ctx.domainName).blackLists?.[name];
    if (!list) {
      ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'blackList', list: name }, 'no such black list in the domain');
      return { result: `no black list ${JSON.stringify(name)} in ${ctx.domainName}; not listed` };
    }
    if (number === '' || !list.some((entry) => digits(entry) === number)) return { result: `${number || '(no number)'} is not in ${name}` };
    if (args.actions) return { result: `${number} is in ${name}: its actions run`, next: { enter: args.actions } };
    const hungUp = await hangupApp.run(ctx, DEFAULT_CAUSE);
    return { result: `${number} is in ${name}: ${hungUp?.result}`, next: 'end' };
  },
};
