/**
 * FreeSWITCH's `say` (Webitel's file type `say`, and `${say_string …}` in a
 * file name) spoken by espeak-ng: FreeSWITCH joined recorded words per
 * language; here the value becomes text espeak-ng reads the same way —
 * `iterated` and spelled types one character at a time, the rest as written
 * (espeak-ng pronounces numbers in the voice's language).
 */
import { Template } from '../engine/template.js';

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
