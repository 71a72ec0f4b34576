import { z } from 'zod';
import { parameterProblem } from '../call/bridge-parameters.js';
import { closestName } from '../closest-name.js';
import type { AppContext } from '../engine/app.js';
import { holdLoadWarnings, releaseLoadWarnings, warnAtLoad } from '../engine/load-warnings.js';
import { Template } from '../engine/template.js';

/** A string argument, compiled for `${…}` substitution at run time. */
export const template = z.string().transform((text) => Template.compile(text));

/**
 * A text argument that may be written as a number or a flag (`"name": 101`):
 * ACR printed any scalar it was given (`fmt.Sprint`), flow_manager decodes weakly.
 */
export const scalarTemplate = z
  .preprocess((value) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value), z.string())
  .transform((text) => Template.compile(text));

/** A number argument that may also be written as a string with variables (`"${delay}"`). */
export const numberOrTemplate = z.union([z.number().finite(), z.string()]).transform((value) =>
  Template.compile(String(value)),
);

/** A whole number of at least `least`, or why the text is not one. */
export function wholeNumberIn(text: string, least: number): number | string {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return `expected a whole number, got ${JSON.stringify(text)}`;
  const value = Number(trimmed);
  return value >= least ? value : `expected a number >= ${least}, got ${value}`;
}

/**
 * A whole number of at least `least` as Webitel schemas write one: `60`,
 * `"60"`, or `"${max_digits}"`, checked when substituted (`wholeNumberIn`).
 */
export const wholeNumberOrTemplate = (least: number) =>
  numberOrTemplate.superRefine((value, ctx) => {
    const checked = value.isConstant ? wholeNumberIn(value.text, least) : least;
    if (typeof checked === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked });
  });

/**
 * The counts written with `wholeNumberOrTemplate`, substituted and checked
 * against their least values; an absent one stays absent. What is wrong with
 * the first that is not a count, named (`max: expected a whole number…`).
 */
export function substituteWholeNumbers<Name extends string>(
  ctx: AppContext,
  written: Partial<Record<NoInfer<Name>, Template>>,
  least: Readonly<Record<Name, number>>,
): Partial<Record<Name, number>> | string {
  const values: Partial<Record<Name, number>> = {};
  for (const name of Object.keys(least) as Name[]) {
    const template = written[name];
    if (template === undefined) continue;
    const value = wholeNumberIn(ctx.expand(template), least[name]);
    if (typeof value === 'string') return `${name}: ${value}`;
    values[name] = value;
  }
  return values;
}

/** `true`, or the text `"true"` as Webitel's engines read it (ACR compared text, flow_manager decoded weakly). */
export const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

/** DTMF keys, e.g. a terminator: `"#"`, `"*#"`, or none (`""`, or FreeSWITCH's `"none"`). */
export const dtmfKeys = z
  .string()
  .transform((keys) => (keys.trim().toLowerCase() === 'none' ? '' : keys))
  .pipe(z.string().regex(/^[0-9*#A-D]*$/, 'expected DTMF keys 0-9 * # A-D, or none'));

/** What an argument object knows about keys outside its shape. */
export interface OtherKeys {
  /** A key Webitel does not read either, and the one it was likely meant as (`actions` for `do`). */
  readonly misnamed?: Readonly<Record<string, string>>;
  /** A key Webitel reads that callrouter does not carry out, and what Webitel did with it. */
  readonly unsupported?: Readonly<Record<string, string>>;
}

/**
 * An argument object as Webitel's engines read one: a key they do not know
 * is ignored (they decode into structs), so a schema written for them loads;
 * the load warns about each one, with the known key it may be a typo of. The
 * warnings are given once the object has parsed: in a union only the form
 * that fits speaks.
 */
export function webitelObject<Shape extends z.ZodRawShape>(shape: Shape, other: OtherKeys = {}) {
  const known = Object.keys(shape);
  return z
    .preprocess((value, ctx) => {
      if (isObject(value)) holdLoadWarnings(ctx.path, ignoredKeys(value, known, other));
      return value;
    }, z.object(shape))
    .superRefine((_parsed, ctx) => releaseLoadWarnings(ctx.path));
}

/**
 * Argument objects of several forms told apart by one key (`method: "add"`),
 * each read as `webitelObject` reads one: what the chosen form does not know
 * is ignored, with a warning.
 */
export function webitelVariants<Key extends string, Options extends [z.ZodDiscriminatedUnionOption<Key>, ...z.ZodDiscriminatedUnionOption<Key>[]]>(
  key: Key,
  options: Options,
) {
  return z.preprocess((value, ctx) => {
    const chosen = isObject(value) ? options.find((option) => option.shape[key].safeParse(value[key]).success) : undefined;
    for (const { key: ignored, message } of chosen ? ignoredKeys(value as object, Object.keys(chosen.shape), {}) : []) warnAtLoad([...ctx.path, ignored], message);
    return value;
  }, z.discriminatedUnion(key, options));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ignoredKeys(value: object, known: readonly string[], { misnamed = {}, unsupported = {} }: OtherKeys): { key: string; message: string }[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => {
      if (Object.hasOwn(unsupported, key)) return { key, message: `${JSON.stringify(key)} is not supported yet (${unsupported[key]}); ignored` };
      const hint = Object.hasOwn(misnamed, key) ? misnamed[key] : closestName(key, known);
      return { key, message: `unknown argument ${JSON.stringify(key)} ignored, as Webitel ignores it${hint ? `; did you mean ${hint}?` : ''}` };
    });
}

/**
 * Parses `value` with `schema` as part of the argument being parsed: its
 * errors (and load warnings) carry their paths in the schema. For a form
 * chosen by looking at the value, or arguments checked but kept as written.
 */
export function parseInPlace<Output>(schema: z.ZodType<Output, z.ZodTypeDef, unknown>, value: unknown, ctx: z.RefinementCtx): Output | typeof z.NEVER {
  const parsed = schema.safeParse(value, { path: ctx.path });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path.slice(ctx.path.length) });
  return z.NEVER;
}

/**
 * Arguments written in either engine's form, told apart by the keys the
 * value has (`isSecond`), not by trying both: the errors are those of the
 * form the author wrote.
 */
export function eitherForm<First, Second>(
  first: z.ZodType<First, z.ZodTypeDef, unknown>,
  second: z.ZodType<Second, z.ZodTypeDef, unknown>,
  isSecond: (keys: readonly string[]) => boolean,
) {
  return z.unknown().transform((value, ctx) => parseInPlace<First | Second>(isObject(value) && isSecond(Object.keys(value)) ? second : first, value, ctx));
}

/** `"a"` or `["a", "b"]`: one or more strings, each a template. */
export const templateList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? [value] : value).map((text) => Template.compile(text)));

/** A name to store a result in (`setVar: "x"`). Not substituted: it names, it does not carry data. */
export const variableName = z
  .string()
  .min(1, 'expected a variable name')
  .regex(/^[^\s${}]+$/, 'expected a variable name without spaces, `$`, `{` or `}`');

/** `["leg_timeout=15", …]` (or one string): channel settings; an entry written out must have a key and `=`. */
export const parameterList = templateList.superRefine((entries, ctx) => {
  entries.forEach((entry, index) => {
    if (entry.isConstant && entry.text.indexOf('=') <= 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: `expected key=value, got ${JSON.stringify(entry.text)}` });
    }
  });
});

/**
 * `["leg_timeout=15", …]` given to a bridge: besides the shape, a misspelt
 * channel parameter (`leg_timout`) or a bad constant value (`leg_timeout=abc`)
 * is a load error; a value with `${…}` is checked when it is substituted.
 */
export const bridgeParameterList = parameterList.superRefine((entries, ctx) => checkBridgeParameters(entries, ctx));

function checkBridgeParameters(entries: readonly Template[], ctx: z.RefinementCtx): void {
  entries.forEach((entry, index) => {
    const eq = entry.text.indexOf('=');
    const name = entry.text.slice(0, eq).trim();
    if (eq <= 0 || name.includes('$')) return;
    const problem = parameterProblem(name, entry.isConstant ? entry.text.slice(eq + 1).trim() : undefined);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index], message: problem });
  });
}

/**
 * Channel settings as the original wrote them (`["leg_timeout=15"]`) or as
 * Webitel's current dialect does (`{ "leg_timeout": 15 }`), checked like `bridgeParameterList`.
 */
export const bridgeParameterListOrMap = z.union([
  bridgeParameterList,
  z
    .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))
    .transform((map) => Object.entries(map).map(([key, value]) => Template.compile(`${key}=${value}`)))
    .superRefine((entries, ctx) => checkBridgeParameters(entries, ctx)),
]);

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

/** "unknown math function "flor"; did you mean floor?" */
export function unknownNameMessage(what: string, name: string, candidates: Iterable<string>): string {
  const hint = closestName(name, candidates);
  return `unknown ${what} ${JSON.stringify(name)}${hint ? `; did you mean ${hint}?` : ''}`;
}

/** One of a fixed set of names (a function, a resource), checked at load. */
export function oneOfNames<Name extends string>(names: readonly Name[], what: string) {
  const known = new Set<string>(names);
  return z.string().transform((name, ctx): Name => {
    if (known.has(name)) return name as Name;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: unknownNameMessage(what, name, names) });
    return z.NEVER;
  });
}
