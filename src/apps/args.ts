import { z } from 'zod';
import { Template } from '../engine/template.js';

/** A string argument, compiled for `${…}` substitution at run time. */
export const template = z.string().transform((text) => Template.compile(text));

/** A number argument that may also be written as a string with variables (`"${delay}"`). */
export const numberOrTemplate = z.union([z.number().finite(), z.string()]).transform((value) =>
  Template.compile(String(value)),
);

/** `"a"` or `["a", "b"]`: one or more strings, each a template. */
export const templateList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? [value] : value).map((text) => Template.compile(text)));

/** A name to store a result in (`setVar: "x"`). Not substituted: it names, it does not carry data. */
export const variableName = z
  .string()
  .min(1, 'expected a variable name')
  .regex(/^[^\s${}]+$/, 'expected a variable name without spaces, `$`, `{` or `}`');

/** Parses a `key=value` parameter list such as `["leg_timeout=15"]` after substitution. */
export function parseParameters(parameters: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq <= 0) continue;
    out[parameter.slice(0, eq).trim()] = parameter.slice(eq + 1).trim();
  }
  return out;
}
