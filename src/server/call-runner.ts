/**
 * What happens to a new call on the built-in SIP server: it is prepared for
 * its route (src/routes/prepare-call.ts, as `trace --config` does), the
 * route's schema runs on it, and whatever the schema left open is closed — a
 * call the schema did not end is hung up.
 */
import type { Logger } from 'pino';
import type { CdrSearcher } from '../cdr/store.js';
import type { Clock } from '../clock.js';
import type { Directory } from '../directory/directory.js';
import type { AcrServices } from '../apps/services/acr-services.js';
import type { SchemaLoader } from '../engine/compile.js';
import type { Services } from '../engine/app.js';
import type { TraceEvent } from '../engine/trace.js';
import { runOnDisconnect, startRouted, type RouteLookup, type RoutedResult, type RoutedRunOptions } from '../engine/transfer.js';
import type { Continuation } from '../call/continuation.js';
import { describeOrigin, prepareCall } from '../routes/prepare-call.js';
import { routedSchema, transferLookup } from '../routes/transfer-lookup.js';
import type { RouteTable } from '../routes/route-table.js';
import type { Call } from '../call/call.js';
import { callEndReason } from '../call/call-end.js';
import type { CallOrigin } from '../call/origin.js';

export interface CallRunnerOptions {
  /** The routes of the running configuration: a call takes them once, when it starts, and keeps them to its end (transfers included). */
  routes: () => RouteTable;
  directory: Directory;
  cdr: CdrSearcher;
  clock: Clock;
  trace?: CallTraceSink;
  /** Told when a call's flow starts and when it (disconnect handlers included) is over: its trace is complete. */
  traceLifecycle?: { begin(call: Call): void; complete(call: Call): void };
  logger: Logger;
  /** What applications share across calls: cache, limit counters, domain settings, mail, HTTP. */
  acr: AcrServices;
  /** For schemas that arrive during a call (`httpApi`). */
  schemas: SchemaLoader;
}

/** A call's trace events, with the call they belong to. */
export type CallTraceSink = (call: Call, event: TraceEvent) => void;

export function createCallRunner(options: CallRunnerOptions): (call: Call, origin: CallOrigin) => void {
  // The same for every call: each line about a call names it (uuid) itself. A logger bound to the call as well
  // wrote the uuid twice in those lines, and log pipelines that read JSON strictly (Elasticsearch's) refuse such a line.
  const services: Services = { directory: options.directory, cdr: options.cdr, logger: options.logger, acr: options.acr, counters: options.acr.limits, schemas: options.schemas };
  const domainOf = (name: string) => options.directory.domain(name);
  // One lookup per route table, not per call: a call keeps its own for its whole length.
  const lookups = new WeakMap<RouteTable, RouteLookup>();
  const lookupOf = (routes: RouteTable) => lookups.get(routes) ?? lookups.set(routes, transferLookup(routes)).get(routes)!;
  return (call, origin) => {
    options.traceLifecycle?.begin(call);
    const flow = new CallFlow(options, call);
    try {
      runCall(options, { services, domainOf, lookupOf }, flow, origin);
    } catch (error) {
      flow.reject(error);
    }
  };
}

/**
 * A call's flow, from the route's schema to the end of its disconnect
 * actions: what the flow's end comes to (methods of one object for the whole
 * call, where a chain of promise callbacks kept a promise, a reaction and a
 * closure each).
 */
class CallFlow implements Continuation<RoutedResult> {
  runOptions: RoutedRunOptions | undefined;

  constructor(
    private readonly options: CallRunnerOptions,
    readonly call: Call,
  ) {}

  /** The route's flow is over: a call it left up is hung up, the schema's disconnect actions run, the call's end is logged. */
  resolve(flow: RoutedResult): void {
    this.#finishing(this.#afterFlow(flow));
  }

  reject(error: unknown): void {
    const { options, call } = this;
    try {
      options.logger.error({ uuid: call.uuid, err: error }, 'call failed');
      void call.hangup('NORMAL_TEMPORARY_FAILURE');
    } finally {
      options.traceLifecycle?.complete(call);
    }
  }

  /** A call no route took is hung up: its trace says why. */
  refused(message: string): void {
    const { options, call } = this;
    this.#finishing(
      call.hangup('UNALLOCATED_NUMBER').then(() => {
        options.trace?.(call, { type: 'end', reason: 'call-ended', at: options.clock.now().toISOString(), steps: 0, message });
      }),
    );
  }

  /** One reaction for both outcomes: a catch and a finally would each wait, with their functions. */
  #finishing(done: Promise<void>): void {
    done.then(
      () => this.options.traceLifecycle?.complete(this.call),
      (error: unknown) => this.reject(error),
    );
  }

  async #afterFlow(flow: RoutedResult): Promise<void> {
    const { call, runOptions } = this;
    if (call.state !== 'ended') await call.hangup('NORMAL_CLEARING');
    await runOnDisconnect(call, flow, runOptions!);
    const reason = callEndReason(call);
    this.options.logger.info({ uuid: call.uuid, reason, flow: flow.reason, steps: flow.steps, transfers: flow.transfers, hangupCause: call.hangupCause }, `call ended: ${reason}`);
  }
}

/** What every call's flow is given alike. */
interface SharedByCalls {
  services: Services;
  domainOf: RoutedRunOptions['domainOf'];
  lookupOf(routes: RouteTable): RouteLookup;
}

/** Routes the call and starts its flow, whose end goes to `flow`; throws what the routing throws. */
function runCall(options: CallRunnerOptions, shared: SharedByCalls, flow: CallFlow, origin: CallOrigin): void {
  const { logger } = options;
  const { call } = flow;
  const { uuid } = call;
  const caller = call.getVariable('caller_id_number');
  const destination = call.getVariable('destination_number') ?? '';
  const routes = options.routes();
  const selection = prepareCall(routes, origin, call);
  if (!selection.found) {
    logger.info({ uuid, origin: describeOrigin(origin), caller, destination, reason: selection.reason }, 'call refused: no route');
    // As `trace --config` tells it: the trace of a refused call says why.
    return flow.refused(`call refused (UNALLOCATED_NUMBER): ${selection.reason}`);
  }
  const { route } = selection;
  logger.info({ uuid, origin: describeOrigin(origin), caller, destination, route: route.path, schema: route.name }, 'call routed');
  const { trace } = options;
  flow.runOptions = {
    services: shared.services,
    clock: options.clock,
    trace: trace && ((event: TraceEvent) => trace(call, event)),
    lookup: shared.lookupOf(routes),
    domainOf: shared.domainOf,
  };
  startRouted(call, routedSchema(selection), flow.runOptions, flow);
}
