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
import { runOnDisconnect, runRouted, type RoutedResult, type RoutedRunOptions } from '../engine/transfer.js';
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
  return (call, origin) => {
    options.traceLifecycle?.begin(call);
    let running: Promise<void>;
    try {
      running = runCall(options, services, call, origin);
    } catch (error) {
      running = Promise.reject(error);
    }
    // One reaction for both outcomes: a catch and a finally would each wait, with their functions, for the whole call.
    running.then(
      () => options.traceLifecycle?.complete(call),
      (error: unknown) => {
        try {
          options.logger.error({ uuid: call.uuid, err: error }, 'call failed');
          void call.hangup('NORMAL_TEMPORARY_FAILURE');
        } finally {
          options.traceLifecycle?.complete(call);
        }
      },
    );
  };
}

/** Not an async function (its promise would wait on the flow's for the whole call): throws what the routing throws. */
function runCall(options: CallRunnerOptions, services: Services, call: Call, origin: CallOrigin): Promise<void> {
  const { logger } = options;
  const { uuid } = call;
  const caller = call.getVariable('caller_id_number');
  const destination = call.getVariable('destination_number') ?? '';
  const routes = options.routes();
  const selection = prepareCall(routes, origin, call);
  if (!selection.found) {
    logger.info({ uuid, origin: describeOrigin(origin), caller, destination, reason: selection.reason }, 'call refused: no route');
    // As `trace --config` tells it: the trace of a refused call says why.
    const message = `call refused (UNALLOCATED_NUMBER): ${selection.reason}`;
    return call.hangup('UNALLOCATED_NUMBER').then(() => {
      options.trace?.(call, { type: 'end', reason: 'call-ended', at: options.clock.now().toISOString(), steps: 0, message });
    });
  }
  const { route } = selection;
  logger.info({ uuid, origin: describeOrigin(origin), caller, destination, route: route.path, schema: route.name }, 'call routed');

  const runOptions = {
    services,
    clock: options.clock,
    trace: options.trace && ((event: TraceEvent) => options.trace?.(call, event)),
    lookup: transferLookup(routes),
    domainOf: (name: string) => options.directory.domain(name),
  };
  // The flow's end is read in a callback rather than awaited here: this frame would stay suspended for the whole call.
  return runRouted(call, routedSchema(selection), runOptions).then((flow) => afterFlow(call, flow, runOptions, logger));
}

/** The route's flow is over: a call it left up is hung up, the schema's disconnect actions run, the call's end is logged. */
async function afterFlow(call: Call, flow: RoutedResult, runOptions: RoutedRunOptions, logger: Logger): Promise<void> {
  if (call.state !== 'ended') await call.hangup('NORMAL_CLEARING');
  await runOnDisconnect(call, flow, runOptions);
  const reason = callEndReason(call);
  logger.info({ uuid: call.uuid, reason, flow: flow.reason, steps: flow.steps, transfers: flow.transfers, hangupCause: call.hangupCause }, `call ended: ${reason}`);
}
