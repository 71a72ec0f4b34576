import type { z } from 'zod';
import type { Call } from '../call/call.js';
import type { Later } from '../call/continuation.js';
import type { CdrSearcher } from '../cdr/store.js';
import type { Clock } from '../clock.js';
import type { Directory } from '../directory/directory.js';
import type { ExpressionEnv } from './expr/index.js';
import type { Flow } from './flow.js';
import type { Template, VariableSource } from './template.js';
import type { LoadResult } from './compile.js';

/**
 * An application of the routing schema language: its name, the schema of its
 * arguments (validated once, when the schema loads) and what it does to a call.
 */
export interface AppSpec<Args, Substituted = void> {
  name: string;
  /**
   * Validates and compiles the arguments as written. String arguments become
   * `Template`s (see `./args.ts`); nested application arrays (`if`, `switch`)
   * use `nestedFlow`, which compiles them with correct JSON paths.
   */
  args: ArgsSchema<Args> | ((nestedFlow: z.ZodType<Flow, z.ZodTypeDef, unknown>) => ArgsSchema<Args>);
  /**
   * The arguments with this call's values put in, made once per step before it runs: `run` works with them and the
   * trace shows them (`traceArgs`), where substituting for each would cost twice (the `cdr` step's search request).
   */
  substitute?(args: Args, ctx: AppContext): Substituted;
  /** An outcome that may take the whole call (a bridge's conversation) comes `Later`: a flow waiting on it holds no promise chain. */
  run(ctx: AppContext, args: Args, substituted: Substituted): Promise<AppOutcome> | AppOutcome | Later<AppOutcome>;
  /** What the trace shows as this step's arguments (default: the arguments as written, substituted). */
  traceArgs?(args: Args, ctx: AppContext, substituted: Substituted): unknown;
  /** Plays to the caller or collects its digits: a schema with it needs the caller's media (see CompiledSchema.usesMedia). */
  usesMedia?: boolean;
  /** Looks CDRs up while the call waits (see CompiledSchema.searchesCdrs). */
  searchesCdrs?: boolean;
  /** For `goto`: the tag it jumps to when that is known at load time, so a missing tag is a load error. */
  gotoTarget?(args: Args): string | undefined;
  /** For `execute`: the function it runs when that is known at load time, so a missing function is a load error. */
  functionName?(args: Args): string | undefined;
  /** What the step defines for the whole schema (`function`, `trigger`), indexed when the schema loads. */
  defines?(args: Args): Definitions;
  /** An application recognised and validated, but skipped at run time: the part it needs (named in load warnings). */
  needs?: string;
  /**
   * Checks of constant arguments against where the schema runs (a media file
   * of the route's domain exists), made only when the loader is told (`LoadContext`).
   */
  checkLoaded?(args: Args, context: LoadContext): LoadProblem[];
}

/** What a schema is loaded for, when known: a route of this domain. */
export interface LoadContext {
  domain: string;
  /** Where a file of the domain's media folder (`playback` type wav) is. Throws when the name leaves the folder. */
  mediaFile(name: string): string;
}

/** A problem found by checkLoaded: its path inside the app's arguments. */
export interface LoadProblem {
  path: (string | number)[];
  message: string;
}

export interface Definitions {
  /** `function`: a sub-flow `execute` runs by name. */
  function?: { name: string; actions: Flow };
  /** `trigger { disconnected }`: what runs once the call has ended. */
  onDisconnect?: Flow;
  /** `trigger { commands }` (flow_manager): flows run when the caller's input is one of these names. */
  commands?: Readonly<Record<string, Flow>>;
}

// The input side is whatever JSON the schema holds; zod checks it.
export type ArgsSchema<Args> = z.ZodType<Args, z.ZodTypeDef, any>;

/**
 * What the flow does after an app: go on (default), end, jump to a tag, run a
 * nested flow, run a sub-flow and come back (`call`: after it, to the next
 * step or to this one again; `execute`: a function by name), or leave the
 * schema for a route of the route tables (`transfer`).
 */
export type AppOutcome = void | {
  /** One line for the trace, e.g. "bridge failed: NO_ANSWER". */
  result?: string;
  next?:
    | 'end'
    | { goto: string }
    | { enter: Flow }
    | { call: Flow; resume: 'next' | 'self' }
    | { execute: string }
    | { transfer: TransferRequest };
};

/** `goto "default:100"`: the call is routed again, as a user of its domain dialling 100 (`default`) or as a call to the public number (`public`). */
export interface TransferRequest {
  context: 'default' | 'public';
  destination: string;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * What applications reach beyond the call. The applications' own shared
 * services (cache, mail, HTTP, domain settings) join this interface from
 * `src/apps/services/` by declaration merging, so the engine needs not know them.
 */
export interface Services {
  directory: Directory;
  cdr: CdrSearcher;
  /** Shared by the calls, not bound to one: a line about a call names it itself (`uuid`), exactly once. */
  logger: Logger;
  /** Concurrent-call counters, read by `&limit()`. */
  counters: { usage(domain: string, name: string): number };
  /** Validates schemas that arrive at run time (`httpApi`). */
  schemas: { load(json: unknown): LoadResult };
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
  /** The schema's `trigger { commands }` flow named by the caller's input (digits collected), if any. */
  triggerCommand(input: string): Flow | undefined;
  /** `schedule`: an action the flow carries out once its time has come (one per call; a later one replaces it). */
  schedule(action: ScheduledAction): void;
}

/** What `schedule` left for later: checked before each step, and by a timer on a real call. */
export interface ScheduledAction {
  at: Date;
  description: string;
  outcome: 'end' | { transfer: TransferRequest };
  /** Carried out when due, before the outcome applies (e.g. hanging up). */
  fire(): Promise<void>;
}
