/**
 * What happens to a new call on the built-in SIP server: its route is
 * chosen (a user's call by the destination, a call from outside by the
 * public number), the route's schema runs on it, and whatever the schema
 * left open is closed — a call the schema did not end is hung up.
 */
import type { Logger } from 'pino';
import type { CdrSearcher } from '../cdr/store.js';
import { systemClock } from '../clock.js';
import type { Directory } from '../directory/directory.js';
import { FlowRun } from '../engine/interpreter.js';
import { nationalCallerNumber } from '../routes/did.js';
import type { RouteSelection, RouteTable } from '../routes/route-table.js';
import type { Call } from '../call/call.js';
import type { CallOrigin } from '../call/origin.js';

export interface CallRunnerOptions {
  routes: RouteTable;
  directory: Directory;
  cdr: CdrSearcher;
  logger: Logger;
}

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
  const destination = call.getVariable('destination_number') ?? '';
  const selection = select(options.routes, origin, destination);
  const caller = call.getVariable('caller_id_number');
  if (!selection.found) {
    logger.info({ origin: describe(origin), caller, destination, reason: selection.reason }, 'call refused: no route');
    await call.hangup('UNALLOCATED_NUMBER');
    return;
  }
  const { route, captures } = selection;
  // A public number belongs to its route's domain, whoever delivered the call.
  call.setVariable('domain_name', route.domain);
  if (route.nationalFormat && caller !== undefined) {
    // The original stays in sip_from_user.
    call.setVariable('caller_id_number', nationalCallerNumber(caller, route.nationalFormat));
  }
  for (const [name, value] of Object.entries(route.variables)) call.setVariable(name, value);
  logger.info({ origin: describe(origin), caller, destination, route: route.path, schema: route.name }, 'call routed');

  const run = new FlowRun(route.schema, call, {
    services: { directory: options.directory, cdr: options.cdr, logger },
    clock: systemClock,
    domain: options.directory.domain(route.domain),
  });
  if (captures.length > 0) run.context.replaceCaptures([captures]);
  const flow = await run.run();
  if (call.state !== 'ended') await call.hangup('NORMAL_CLEARING');
  logger.info({ flow: flow.reason, steps: flow.steps, hangupCause: call.hangupCause }, 'call ended');
}

function select(routes: RouteTable, origin: CallOrigin, destination: string): RouteSelection {
  if (origin.kind === 'user') return routes.selectFromUser(origin.domain, destination);
  return routes.selectPublic(destination, origin.kind);
}

function describe(origin: CallOrigin): string {
  switch (origin.kind) {
    case 'user':
      return `user ${origin.userId}@${origin.domain}`;
    case 'gateway':
      return `gateway ${origin.gateway} (${origin.domain})`;
    case 'anonymous':
      return 'anonymous';
  }
}
