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
import type { TraceEvent } from '../engine/trace.js';
import { runOnDisconnect, runRouted } from '../engine/transfer.js';
import { describeOrigin, prepareCall } from '../routes/prepare-call.js';
import { routedSchema, transferLookup } from '../routes/transfer-lookup.js';
import type { RouteTable } from '../routes/route-table.js';
import type { Call } from '../call/call.js';
import { callEndReason } from '../call/call-end.js';
import type { CallOrigin } from '../call/origin.js';

export interface CallRunnerOptions {
  routes: RouteTable;
  directory: Directory;
  cdr: CdrSearcher;
  clock: Clock;
  trace?: CallTraceSink;
  logger: Logger;
  /** What applications share across calls: cache, limit counters, domain settings, mail, HTTP. */
  acr: AcrServices;
  /** For schemas that arrive during a call (`httpApi`). */
  schemas: SchemaLoader;
}

/** A call's trace events, with the call they belong to. */
export type CallTraceSink = (call: Call, event: TraceEvent) => void;

export function createCallRunner(options: CallRunnerOptions): (call: Call, origin: CallOrigin) => void {
  return (call, origin) => {
    const logger = options.logger.child({ uuid: call.uuid });
    runCall(options, logger, call, origin).catch((error: unknown) => {
      logger.error({ err: error }, 'call failed');
      void call.hangup('NORMAL_TEMPORARY_FAILURE');
    });
  };
}

async function runCall(options: CallRunnerOptions, logger: Logger, call: Call, origin: CallOrigin): Promise<void> {
  const caller = call.getVariable('caller_id_number');
  const destination = call.getVariable('destination_number') ?? '';
  const selection = prepareCall(options.routes, origin, call);
  if (!selection.found) {
    logger.info({ origin: describeOrigin(origin), caller, destination, reason: selection.reason }, 'call refused: no route');
    await call.hangup('UNALLOCATED_NUMBER');
    return;
  }
  const { route } = selection;
  logger.info({ origin: describeOrigin(origin), caller, destination, route: route.path, schema: route.name }, 'call routed');

  const { acr } = options;
  const runOptions = {
    services: { directory: options.directory, cdr: options.cdr, logger, acr, counters: acr.limits, schemas: options.schemas },
    clock: options.clock,
    trace: options.trace && ((event: TraceEvent) => options.trace?.(call, event)),
    lookup: transferLookup(options.routes),
    domainOf: (name: string) => options.directory.domain(name),
  };
  const flow = await runRouted(call, routedSchema(selection), runOptions);
  if (call.state !== 'ended') await call.hangup('NORMAL_CLEARING');
  await runOnDisconnect(call, flow, runOptions);
  const reason = callEndReason(call);
  logger.info({ reason, flow: flow.reason, steps: flow.steps, transfers: flow.transfers, hangupCause: call.hangupCause }, `call ended: ${reason}`);
}
