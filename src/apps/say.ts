/**
 * FreeSWITCH's `say` — flow_manager's `say` application, Webitel's file type
 * `say`, and `${say_string …}` in a file name — spoken by espeak-ng: FreeSWITCH joined recorded words per
 * language; here the value becomes text espeak-ng reads the same way —
 * `iterated` and spelled types one character at a time, the rest as written
 * (espeak-ng pronounces numbers in the voice's language).
 */
import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';
import { Template } from '../engine/template.js';
import { template } from './args.js';
import { playOnce, promptFailed } from './prompt.js';
import { LOCAL_PROVIDER, localProviderInstalled } from './services/speech.js';
import { speak } from './speak.js';

export interface SayTemplate {
  value: Template;
  /** Absent: the call's `default_language`. */
  language?: string;
  /** FreeSWITCH's say type and method, e.g. `NUMBER pronounced`. */
  method: string;
}

/** Say types FreeSWITCH reads out character by character whatever the method. */
const SPELLED_TYPES = new Set(['telephone_number', 'telephone_extension', 'account_number', 'name_spelled', 'ip_address']);

/** `${say_string en.wav en number pronounced ${position}}`: module, language, type, method, then the value. */
const SAY_STRING = /^\$\{say_string\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(.+)\}$/s;

/** The say a file name written as `${say_string …}` means, if it is one. */
export function sayStringOf(name: string): SayTemplate | undefined {
  const match = SAY_STRING.exec(name.trim());
  if (!match) return undefined;
  const [, language, type, method, value] = match;
  return { value: Template.compile(value.trim()), language, method: `${type} ${method}` };
}

/** The text espeak-ng speaks for a substituted value. */
export function sayText(value: string, method: string): string {
  const [type = 'number', how = 'pronounced'] = method.trim().toLowerCase().split(/\s+/);
  return how === 'iterated' || SPELLED_TYPES.has(type) ? [...value.replace(/\s+/g, '')].join(' ') : value;
}

/** FreeSWITCH `say`'s argument: `<module>[:<lang>] <type> <method> [<gender>] <text>`, e.g. `en number pronounced 125`. */
const SAY_ARGUMENT = /^(\S+)\s+(\S+)\s+(\S+)\s+(?:(?:masculine|feminine|neuter)\s+)?(.+)$/is;

interface SayArgument {
  language: string;
  method: string;
  value: string;
}

function sayArgumentOf(text: string): SayArgument | undefined {
  const match = SAY_ARGUMENT.exec(text.trim());
  if (!match) return undefined;
  const [, module, type, method, value] = match;
  return { language: module.split(':').at(-1) ?? module, method: `${type} ${method}`, value };
}

const EXPECTED = 'expected "<language> <type> <method> <text>", e.g. "en number pronounced 125"';

/** `say` (flow_manager): FreeSWITCH's say application's argument, spoken by espeak-ng. */
export const sayApp: AppSpec<Template> = {
  name: 'say',
  usesMedia: true,
  args: template.superRefine((text, ctx) => {
    if (text.isConstant && !sayArgumentOf(text.text)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: EXPECTED });
  }),
  async run(ctx, args) {
    const argument = sayArgumentOf(ctx.expand(args));
    if (!argument) return promptFailed(ctx, `${EXPECTED}, got ${JSON.stringify(ctx.expand(args))}`);
    if (!localProviderInstalled()) return { result: `not said: say is spoken by ${LOCAL_PROVIDER}, which is not installed` };
    const spoken = await speak(ctx, { text: sayText(argument.value, argument.method), language: argument.language, ssml: false });
    if ('error' in spoken) return promptFailed(ctx, spoken.error);
    try {
      return await playOnce(ctx, [{ kind: 'file', path: spoken.path }], '');
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};
