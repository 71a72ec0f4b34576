import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { numberOrTemplate, oneOfNames, variableName, webitelObject } from './args.js';
import { convertArgument, paramKind, resultText, STRING_FUNCTIONS, type ArgumentValue } from './string-functions.js';

/** An argument: converted once at load when it is written out, else at every run. */
type Argument = { template: Template; value?: ArgumentValue };

interface StringArgs {
  fn: string;
  data: Template;
  args: Argument[];
  setVar: string;
}

const argumentList = z
  .union([numberOrTemplate.transform((one) => [one]), z.array(numberOrTemplate)])
  .default([]);

function argumentValues(ctx: AppContext, args: StringArgs): ArgumentValue[] {
  const fn = STRING_FUNCTIONS.get(args.fn)!;
  return args.args.map((arg, index) => {
    if (arg.value !== undefined) return arg.value;
    const converted = convertArgument(paramKind(fn, index)!, ctx.expand(arg.template));
    if (typeof converted === 'object' && 'error' in converted) throw new Error(`args[${index}]: ${converted.error}`);
    return converted;
  });
}

/** `string`: `{ "data": "${caller_id_number}", "fn": "substring", "args": [0, 3], "setVar": "prefix" }`. */
export const stringApp: AppSpec<StringArgs> = {
  name: 'string',
  args: webitelObject({
    data: numberOrTemplate,
    fn: oneOfNames([...STRING_FUNCTIONS.keys()], 'string function'),
    args: argumentList,
    setVar: variableName,
  })
    .transform((args, ctx): StringArgs => {
      const fn = STRING_FUNCTIONS.get(args.fn)!;
      if (args.args.length < fn.required) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['args'], message: `${args.fn} needs ${fn.required} argument(s), got ${args.args.length}` });
      }
      if (!fn.rest && args.args.length > fn.params.length) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['args'], message: `${args.fn} takes at most ${fn.params.length} argument(s), got ${args.args.length}` });
      }
      const compiled = args.args.map((template, index): Argument => {
        const kind = paramKind(fn, index);
        if (!kind || !template.isConstant) return { template };
        const value = convertArgument(kind, template.text);
        if (typeof value === 'object' && 'error' in value) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['args', index], message: value.error });
          return { template };
        }
        return { template, value };
      });
      return { fn: args.fn, data: args.data, args: compiled, setVar: args.setVar };
    }),
  run(ctx, args) {
    const data = ctx.expand(args.data);
    const value = resultText(STRING_FUNCTIONS.get(args.fn)!.apply(data, argumentValues(ctx, args)));
    ctx.setVariable(args.setVar, value);
    return { result: `${args.fn} → ${JSON.stringify(value)}` };
  },
};
