import { z } from 'zod';
import type { AppSpec, LoadContext } from './app.js';
import type { AppRegistry } from './app-registry.js';
import { Flow, type FlowPosition, type Step } from './flow.js';
import { compileJsonTemplate } from './json-template.js';
import { formatJsonPath } from '../json-path.js';
import { explainIssue, schemaErrorFromIssue, type SchemaError } from './schema-error.js';
import { detectDialect, type DialectReport } from './dialect.js';
import { collectLoadWarnings } from './load-warnings.js';
import { parseSchemaText, schemaOfDocument, type SchemaFormat } from './schema-text.js';

/** A routing schema that passed validation, ready to run on any number of calls. */
export interface CompiledSchema {
  root: Flow;
  /** `tag` → where it stands, for `goto local:<tag>`. */
  tags: ReadonlyMap<string, FlowPosition>;
  /** Some application of it plays to the caller or collects digits: calls on its route terminate the caller's media. */
  usesMedia: boolean;
  /** Some application of it searches CDRs on the call's path (`cdr`, `lastAgent`): the router keeps the CDR lookup thread ready. */
  searchesCdrs: boolean;
  /** `function` definitions by name, for `execute`. */
  functions: ReadonlyMap<string, Flow>;
  /** `trigger { disconnected }`: what runs once the call has ended. */
  onDisconnect?: Flow;
  /** `trigger { commands }`: flows run when the caller's input names them. */
  commands: ReadonlyMap<string, Flow>;
  /** What loads but is not carried out: applications skipped at run time (they need a part callrouter does not have yet), arguments ignored as Webitel ignores them. */
  warnings: SchemaError[];
  /** Which Webitel dialect it is written in. */
  dialect: DialectReport;
}

export type LoadResult = { ok: true; schema: CompiledSchema } | { ok: false; errors: SchemaError[] };

export const MAX_SCHEMA_BYTES = 1024 * 1024;
export const MAX_SCHEMA_DEPTH = 64;

const MODIFIER_KEYS = new Set(['break', 'async', 'tag']);

/** Validates and compiles routing schemas against the applications it is given. */
export class SchemaLoader {
  /**
   * An array of application objects, as a zod type so that apps with nested
   * arrays (`if`, `switch`) validate them in place with the right JSON paths.
   */
  private readonly nestedFlow: z.ZodType<Flow, z.ZodTypeDef, unknown> = z
    .array(z.unknown())
    .transform((items, ctx) => {
      const steps: Step[] = [];
      items.forEach((item, index) => {
        const step = this.compileStep(item, [...ctx.path, index], (path, message) =>
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, ...path], message }),
        );
        if (step) steps.push(step);
      });
      return new Flow(steps, formatJsonPath(ctx.path));
    });

  /** Set while a schema loads for a known route (load is synchronous). */
  #context: LoadContext | undefined;

  constructor(private readonly apps: AppRegistry) {}

  /**
   * Loads a schema from JSON or YAML text (a file's content, an HTTP body): an
   * array of applications, a Webitel route record holding it in `callflow`, or one application object.
   */
  loadText(text: string, format: SchemaFormat = 'json', context?: LoadContext): LoadResult {
    if (Buffer.byteLength(text) > MAX_SCHEMA_BYTES) return tooLarge();
    let json: unknown;
    try {
      json = schemaOfDocument(parseSchemaText(text, format));
    } catch (error) {
      return fail('(schema)', `not valid ${format === 'json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
    }
    return nestingDepth(json) > MAX_SCHEMA_DEPTH ? tooDeep() : this.compileWithinLimits(json, context);
  }

  /** Validates a schema given as parsed JSON (inline in a configuration) and compiles it; with a context, also against its route's domain. */
  load(json: unknown, context?: LoadContext): LoadResult {
    // Depth first: measuring the size of a pathologically deep value would itself recurse too deep.
    if (nestingDepth(json) > MAX_SCHEMA_DEPTH) return tooDeep();
    if (Buffer.byteLength(JSON.stringify(json) ?? '') > MAX_SCHEMA_BYTES) return tooLarge();
    return this.compileWithinLimits(json, context);
  }

  /** Validates and compiles a schema known to be within the size and depth limits; every error has its JSON path. */
  private compileWithinLimits(json: unknown, context: LoadContext | undefined): LoadResult {
    this.#context = context;
    let parsed: ReturnType<typeof this.nestedFlow.safeParse>;
    let ignored: SchemaError[];
    try {
      ({ result: parsed, warnings: ignored } = collectLoadWarnings(() => this.nestedFlow.safeParse(json)));
    } finally {
      this.#context = undefined;
    }
    if (!parsed.success) return { ok: false, errors: parsed.error.issues.map(schemaErrorFromIssue) };

    const root = parsed.data;
    const linked: Linked = { tags: new Map(), functions: new Map(), commands: new Map(), errors: [], warnings: ignored };
    linkFlows(root, linked);
    if (linked.errors.length > 0) return { ok: false, errors: linked.errors };
    const unknownTargets = missingTargets(root, linked);
    if (unknownTargets.length > 0) return { ok: false, errors: unknownTargets };
    const { tags, functions, onDisconnect, commands, warnings } = linked;
    return { ok: true, schema: { root, tags, functions, onDisconnect, commands, warnings, dialect: detectDialect(json), usesMedia: anyStep(root, 'usesMedia'), searchesCdrs: anyStep(root, 'searchesCdrs') } };
  }

  private compileStep(item: unknown, path: (string | number)[], report: Report): Step | undefined {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      report([], 'expected an application object such as { "log": "text" }');
      return undefined;
    }
    const object = item as Record<string, unknown>;
    const modifiers = compileModifiers(object, report);
    const appKeys = Object.keys(object).filter((key) => !MODIFIER_KEYS.has(key));

    if (appKeys.length === 0) {
      const breakApp = this.apps.find('break');
      if (object.break === undefined || !breakApp) {
        report([], 'expected an application key');
        return undefined;
      }
      // `{ "break": true }` alone is the break application itself.
      return makeStep(breakApp, true, object.break, path, modifiers);
    }
    if (appKeys.length > 1) {
      report([], `expected one application per object, found ${appKeys.join(', ')}`);
      return undefined;
    }

    const name = appKeys[0];
    const spec = this.apps.find(name);
    if (!spec) {
      if (this.apps.unsupported.has(name)) report([name], `the ${name} application is not supported yet`);
      else {
        const hint = this.apps.suggest(name);
        report([name], `unknown application${hint ? `; did you mean ${hint}?` : ''}`);
      }
      return undefined;
    }
    const argsSchema = typeof spec.args === 'function' ? spec.args(this.nestedFlow) : spec.args;
    const parsed = argsSchema.safeParse(object[name], { path: [...path, name] });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const explained = explainIssue(issue);
        report(explained.path.slice(path.length), explained.message);
      }
      return undefined;
    }
    for (const problem of this.#context ? (spec.checkLoaded?.(parsed.data, this.#context) ?? []) : []) report([name, ...problem.path], problem.message);
    return makeStep(spec, parsed.data, object[name], path, modifiers);
  }
}

type Report = (relativePath: (string | number)[], message: string) => void;

interface Modifiers {
  break: boolean;
  async: boolean;
  tag?: string;
}

function compileModifiers(object: Record<string, unknown>, report: Report): Modifiers {
  const { break: breakValue, async: asyncValue, tag } = object;
  if (asyncValue !== undefined && typeof asyncValue !== 'boolean') report(['async'], 'expected boolean');
  if (tag !== undefined && (typeof tag !== 'string' || tag === '')) report(['tag'], 'expected a non-empty string');
  return {
    // The original treats any present `break` as true; only an explicit false keeps the flow going.
    break: breakValue !== undefined && breakValue !== false,
    async: asyncValue === true,
    tag: typeof tag === 'string' && tag !== '' ? tag : undefined,
  };
}

function makeStep(
  app: AppSpec<unknown, unknown>,
  args: unknown,
  raw: unknown,
  path: (string | number)[],
  modifiers: Modifiers,
): Step {
  return { app, args, written: app.traceArgs ? undefined : compileJsonTemplate(raw), path: formatJsonPath(path), ...modifiers };
}

interface Linked {
  tags: Map<string, FlowPosition>;
  functions: Map<string, Flow>;
  onDisconnect?: Flow;
  commands: Map<string, Flow>;
  errors: SchemaError[];
  warnings: SchemaError[];
}

/** Gives every nested flow its parent position and indexes tags, functions, triggers and what cannot run yet. */
function linkFlows(flow: Flow, linked: Linked): void {
  flow.steps.forEach((step, index) => {
    if (step.tag !== undefined) {
      if (linked.tags.has(step.tag)) linked.errors.push({ path: `${step.path}.tag`, message: `duplicate tag "${step.tag}"` });
      else linked.tags.set(step.tag, { flow, index });
    }
    if (step.app.needs) {
      linked.warnings.push({ path: `${step.path}.${step.app.name}`, message: `not supported yet: needs ${step.app.needs}; skipped at run time` });
    }
    const defined = step.app.defines?.(step.args);
    if (defined?.function) {
      const { name, actions } = defined.function;
      if (linked.functions.has(name)) linked.errors.push({ path: `${step.path}.${step.app.name}.name`, message: `duplicate function "${name}"` });
      else linked.functions.set(name, actions);
    }
    if (defined?.onDisconnect) linked.onDisconnect ??= defined.onDisconnect;
    for (const [name, actions] of Object.entries(defined?.commands ?? {})) if (!linked.commands.has(name)) linked.commands.set(name, actions);
    for (const child of nestedFlows(step.args)) {
      child.parent = { flow, index };
      linkFlows(child, linked);
    }
  });
}

/** The flows inside an app's compiled arguments (branches of if/switch). */
function nestedFlows(value: unknown): Flow[] {
  if (value instanceof Flow) return [value];
  if (Array.isArray(value)) return value.flatMap(nestedFlows);
  if (value instanceof Map) return [...value.values()].flatMap(nestedFlows);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).flatMap(nestedFlows);
  }
  return [];
}

/** `goto local:<tag>` and `execute` with a constant name must name a tag / function that exists. */
function missingTargets(flow: Flow, linked: Linked): SchemaError[] {
  return flow.steps.flatMap((step) => {
    const own: SchemaError[] = [];
    const target = step.app.gotoTarget?.(step.args);
    if (target !== undefined && !linked.tags.has(target)) own.push({ path: `${step.path}.goto`, message: `no application has tag "${target}"` });
    const fn = step.app.functionName?.(step.args);
    if (fn !== undefined && !linked.functions.has(fn)) own.push({ path: `${step.path}.${step.app.name}`, message: `no function "${fn}"` });
    return [...own, ...nestedFlows(step.args).flatMap((child) => missingTargets(child, linked))];
  });
}

/** Whether an application of the flow, or of a flow nested in it, has the flag. */
function anyStep(flow: Flow, flag: 'usesMedia' | 'searchesCdrs'): boolean {
  return flow.steps.some((step) => step.app[flag] === true || nestedFlows(step.args).some((nested) => anyStep(nested, flag)));
}

function nestingDepth(json: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[json, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_SCHEMA_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function tooLarge(): LoadResult {
  return fail('(schema)', `larger than ${MAX_SCHEMA_BYTES} bytes`);
}

function tooDeep(): LoadResult {
  return fail('(schema)', `nested deeper than ${MAX_SCHEMA_DEPTH} levels`);
}

function fail(path: string, message: string): LoadResult {
  return { ok: false, errors: [{ path, message }] };
}
