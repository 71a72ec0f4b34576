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
import type { AcrServices } from '../apps/services/acr-services.js';
import { runOnDisconnect, runRouted } from '../engine/transfer.js';
import { nationalCallerNumber } from '../routes/did.js';
import { routedSchema, transferLookup } from '../routes/transfer-lookup.js';
import type { RouteSelection, RouteTable } from '../routes/route-table.js';
import type { CallOrigin, SipCall } from '../sip/b2bua/sip-call.js';

export interface CallRunnerOptions {
  routes: RouteTable;
  directory: Directory;
  cdr: CdrSearcher;
  acr: AcrServices;
  logger: Logger;
}

export function createCallRunner(options: CallRunnerOptions): (call: SipCall, origin: CallOrigin) => void {
  return (call, origin) => {
    const logger = options.logger.child({ uuid: call.uuid });
    runCall(options, logger, call, origin).catch((error: unknown) => {
      logger.error({ err: error }, 'call failed');
      void call.hangup('NORMAL_TEMPORARY_FAILURE');
    });
  };
}

async function runCall(options: CallRunnerOptions, logger: Logger, call: SipCall, origin: CallOrigin): Promise<void> {
  const destination = call.getVariable('destination_number') ?? '';
  const selection = select(options.routes, origin, destination);
  const caller = call.getVariable('caller_id_number');
  if (!selection.found) {
    logger.info({ origin: describe(origin), caller, destination, reason: selection.reason }, 'call refused: no route');
    await call.hangup('UNALLOCATED_NUMBER');
    return;
  }
  const { route } = selection;
  if (route.nationalFormat && caller !== undefined) {
    // The original stays in sip_from_user.
    call.setVariable('caller_id_number', nationalCallerNumber(caller, route.nationalFormat));
  }
  logger.info({ origin: describe(origin), caller, destination, route: route.path, schema: route.name }, 'call routed');

  const runOptions = {
    services: { directory: options.directory, cdr: options.cdr, acr: options.acr, logger },
    clock: systemClock,
    lookup: transferLookup(options.routes),
    domainOf: (name: string) => options.directory.domain(name),
  };
  const flow = await runRouted(call, routedSchema(selection), runOptions);
  if (call.state !== 'ended') await call.hangup('NORMAL_CLEARING');
  await runOnDisconnect(call, flow, runOptions);
  logger.info({ flow: flow.reason, steps: flow.steps, transfers: flow.transfers, hangupCause: call.hangupCause }, 'call ended');
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
