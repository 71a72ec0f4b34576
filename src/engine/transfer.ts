import type { TransferRequest } from './app.js';
import type { Call } from '../call/call.js';
import type { Domain } from '../directory/directory.js';
import type { CompiledSchema } from './compile.js';
import { FlowRun, type FlowResult, type RunOptions } from './interpreter.js';
import type { Continuation } from '../call/continuation.js';

/** A route chosen for a call: its schema, the destination pattern's captures (`&reg0.$N`), its domain and variables. */
export interface RoutedSchema {
  schema: CompiledSchema;
  captures: readonly string[];
  domain: string;
  variables: Readonly<Record<string, string>>;
  /** For logs and traces: the route's name. */
  name: string;
}

/** Finds the route for a `goto default:/public:`; the reason when there is none. */
export type RouteLookup = (request: TransferRequest, domain: string) => RoutedSchema | { reason: string };

/** A call re-routed more often than this is in a loop (FreeSWITCH's hop counter plays the same part). */
export const MAX_TRANSFERS = 10;

export interface RoutedRunOptions extends Omit<RunOptions, 'domain'> {
  /** The route tables; without them (a trace with no configuration) a transfer ends the flow where it stands. */
  lookup?: RouteLookup;
  domainOf(name: string): Domain | undefined;
  /** Called with each run before it starts (the first, then one per transfer). */
  onRun?(run: FlowRun, route: RoutedSchema): void;
}

export interface RoutedResult extends FlowResult {
  /** How many times the call was re-routed. */
  transfers: number;
  /** The schema that ran last (none when the call was refused before any ran): its `trigger` disconnected actions are due once the call has ended. */
  schema?: CompiledSchema;
  domain?: string;
}

/**
 * Runs the `trigger { disconnected }` actions of the schema that ran last,
 * once the call has ended (as the original's `callflow_on_disconnect`).
 */
export async function runOnDisconnect(call: Call, last: RoutedResult, options: RoutedRunOptions): Promise<FlowResult | undefined> {
  const { schema, domain = '' } = last;
  const actions = schema?.onDisconnect;
  if (!schema || !actions) return undefined;
  const run = new FlowRun(schema, call, runOptionsOf(options, domain, true));
  options.onRun?.(run, { schema, captures: [], domain, variables: {}, name: 'disconnected trigger' });
  return run.run(actions);
}

/**
 * Runs a route's schema on a call and, each time the schema transfers the
 * call (`goto "default:100"`), the schema of the route it lands on, with the
 * new destination number and the new route's domain and variables; the
 * channel variables set so far stay, as on a FreeSWITCH transfer.
 */
export function runRouted(call: Call, first: RoutedSchema, options: RoutedRunOptions): Promise<RoutedResult> {
  return new Promise((resolve, reject) => startRouted(call, first, options, { resolve, reject }));
}

/** As runRouted, the result going to `to`: what waits for the call's flow holds no promise. Throws what the first run's setup throws. */
export function startRouted(call: Call, first: RoutedSchema, options: RoutedRunOptions, to: Continuation<RoutedResult>): void {
  new RouteRun(call, first, options, 0, to).start(undefined);
}

/**
 * One route's schema running on a call: the run's end comes to its methods
 * (one object for the whole call, where a callback would keep a closure,
 * its context and a promise more).
 */
class RouteRun implements Continuation<FlowResult> {
  #run: FlowRun | undefined;

  constructor(
    private readonly call: Call,
    private readonly route: RoutedSchema,
    private readonly options: RoutedRunOptions,
    private readonly transfers: number,
    private readonly to: Continuation<RoutedResult>,
  ) {}

  start(previous: FlowRun | undefined): void {
    const { call, route, options } = this;
    call.setVariable('domain_name', route.domain);
    for (const [name, value] of Object.entries(route.variables)) call.setVariable(name, value);
    if (route.schema.usesMedia) call.expectMedia();
    const run = new FlowRun(route.schema, call, runOptionsOf(options, route.domain));
    if (previous) run.context.inheritExports(previous.context);
    if (route.captures.length > 0) run.context.replaceCaptures([route.captures]);
    options.onRun?.(run, route);
    this.#run = run;
    run.start(this);
  }

  resolve(result: FlowResult): void {
    this.#afterRoute(result).then(
      (next) => (next instanceof RouteRun ? this.#startNext(next) : this.to.resolve(next)),
      (error: unknown) => this.to.reject(error),
    );
  }

  reject(error: unknown): void {
    this.to.reject(error);
  }

  #startNext(next: RouteRun): void {
    try {
      next.start(this.#run);
    } catch (error) {
      this.to.reject(error);
    }
  }

  /** The route's schema ended: the call's flow is done, or it goes on with the route a transfer lands on. */
  async #afterRoute(result: FlowResult): Promise<RoutedResult | RouteRun> {
    const { call, route, options, transfers } = this;
    const done = { ...result, transfers, schema: route.schema, domain: route.domain };
    if (result.reason !== 'transfer' || !result.transfer || call.state === 'ended') return done;
    const { context, destination } = result.transfer;
    if (transfers + 1 > MAX_TRANSFERS) {
      options.services.logger.warn({ uuid: call.uuid, transfers: transfers + 1 }, `more than ${MAX_TRANSFERS} transfers: a routing loop; hanging up`);
      await call.hangup('EXCHANGE_ROUTING_ERROR');
      return done;
    }
    if (!options.lookup) return done;
    const next = options.lookup(result.transfer, route.domain);
    if ('reason' in next) {
      options.services.logger.info({ uuid: call.uuid, context, destination, reason: next.reason }, 'transfer found no route; hanging up');
      await call.hangup('NO_ROUTE_DESTINATION');
      return done;
    }
    call.setVariable('destination_number', destination);
    options.services.logger.info({ uuid: call.uuid, context, destination, route: next.name }, 'call transferred');
    return new RouteRun(call, next, options, transfers + 1, this.to);
  }
}

/**
 * One run's options, as a literal of RunOptions' own fields: a spread of the
 * routed options made each call's run a hidden class (and a property array)
 * of its own.
 */
function runOptionsOf(options: RoutedRunOptions, domain: string, afterHangup?: true): RunOptions {
  const { services, clock, trace, maxGotos, maxSteps } = options;
  return { services, clock, domain: options.domainOf(domain), trace, maxGotos, maxSteps, afterHangup };
}
