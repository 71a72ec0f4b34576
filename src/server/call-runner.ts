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
import { FlowRun } from '../engine/interpreter.js';
import type { TraceEvent } from '../engine/trace.js';
import { describeOrigin, prepareCall } from '../routes/prepare-call.js';
import type { RouteTable } from '../routes/route-table.js';
import type { Call } from '../call/call.js';
import type { CallOrigin } from '../call/origin.js';

export interface CallRunnerOptions {
  routes: RouteTable;
  directory: Directory;
  cdr: CdrSearcher;
  clock: Clock;
  trace?: CallTraceSink;
  logger: Logger;
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
  const { route, captures } = selection;
  logger.info({ origin: describeOrigin(origin), caller, destination, route: route.path, schema: route.name }, 'call routed');

  const run = new FlowRun(route.schema, call, {
    services: { directory: options.directory, cdr: options.cdr, logger },
    clock: options.clock,
    domain: options.directory.domain(route.domain),
    trace: options.trace && ((event) => options.trace?.(call, event)),
  });
  if (captures.length > 0) run.context.replaceCaptures([captures]);
  const flow = await run.run();
  if (call.state !== 'ended') await call.hangup('NORMAL_CLEARING');
  logger.info({ flow: flow.reason, steps: flow.steps, hangupCause: call.hangupCause }, 'call ended');
}
