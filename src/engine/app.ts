import type { z } from 'zod';
import type { Call } from '../call/call.js';
import type { CdrSearcher } from '../cdr/store.js';
import type { Clock } from '../clock.js';
import type { Directory } from '../directory/directory.js';
import type { ExpressionEnv } from './expr/index.js';
import type { Flow } from './flow.js';
import type { Template, VariableSource } from './template.js';

/**
 * An application of the routing schema language: its name, the schema of its
 * arguments (validated once, when the schema loads) and what it does to a call.
 */
export interface AppSpec<Args> {
  name: string;
  /**
   * Validates and compiles the arguments as written. String arguments become
   * `Template`s (see `./args.ts`); nested application arrays (`if`, `switch`)
   * use `nestedFlow`, which compiles them with correct JSON paths.
   */
  args: ArgsSchema<Args> | ((nestedFlow: z.ZodType<Flow, z.ZodTypeDef, unknown>) => ArgsSchema<Args>);
  run(ctx: AppContext, args: Args): Promise<AppOutcome> | AppOutcome;
  /** What the trace shows as this step's arguments (default: the arguments as written, substituted). */
  traceArgs?(args: Args, ctx: AppContext): unknown;
  /** For `goto`: the tag it jumps to when that is known at load time, so a missing tag is a load error. */
  gotoTarget?(args: Args): string | undefined;
}

// The input side is whatever JSON the schema holds; zod checks it.
export type ArgsSchema<Args> = z.ZodType<Args, z.ZodTypeDef, any>;

/** What the flow does after an app: go on (default), end, jump to a tag, or run a nested flow. */
export type AppOutcome = void | {
  /** One line for the trace, e.g. "bridge failed: NO_ANSWER". */
  result?: string;
  next?: 'end' | { goto: string } | { enter: Flow };
};

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Services {
  directory: Directory;
  cdr: CdrSearcher;
  logger: Logger;
}

export interface AppContext {
  readonly call: Call;
  readonly services: Services;
  /** This call's clock (simulated on SimCall). */
  readonly clock: Clock;
  /** `${domain_name}` of the call. */
  readonly domainName: string;
  /** The domain's time zone, for time functions. */
  readonly timeZone: string;
  readonly variables: VariableSource;

  expand(template: Template, escape?: (value: string) => string): string;
  /** Sets a channel variable and records it in the trace. */
  setVariable(name: string, value: string): void;
  unsetVariable(name: string): void;
  /** `setVar "domain:a=b"`: a domain variable, read as `$${a}`. */
  setDomainVariable(name: string, value: string): void;
  /** Copies a variable to legs created later: `all:` (value now, set locally too), `nolocal:` (only on new legs). */
  exportVariable(name: string, value: string, mode: 'all' | 'nolocal'): void;
  /** `exportVars`: copy the channel variable's value at bridge time. */
  exportVariableByName(name: string): void;
  /** What bridged legs receive: every exported variable with its current value. */
  exportedVariables(): Record<string, string>;
  /** Environment for `if` expressions; regexp captures land in this flow. */
  expressionEnv(): ExpressionEnv;
  /** A line in the call's log and trace. */
  log(message: string): void;
}
