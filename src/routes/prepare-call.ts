/**
 * What happens to a call before its schema runs, the same on the SIP server
 * and in `callrouter trace --config`: its route is chosen (a user's call by
 * the destination, a call from outside by the public number), the route's
 * domain becomes the call's, a public route puts the caller's number in
 * national form, and the route's variables are set.
 */
import type { Call } from '../call/call.js';
import type { CallOrigin } from '../call/origin.js';
import { nationalCallerNumber } from './did.js';
import type { RouteSelection, RouteTable } from './route-table.js';

export function prepareCall(routes: RouteTable, origin: CallOrigin, call: Pick<Call, 'getVariable' | 'setVariable'>): RouteSelection {
  const destination = call.getVariable('destination_number') ?? '';
  const selection = origin.kind === 'user' ? routes.selectFromUser(origin.domain, destination) : routes.selectPublic(destination, origin.kind);
  if (!selection.found) return selection;
  const { route } = selection;
  // A public number belongs to its route's domain, whoever delivered the call.
  call.setVariable('domain_name', route.domain);
  const caller = call.getVariable('caller_id_number');
  if (route.nationalFormat && caller !== undefined) {
    // The original stays in sip_from_user.
    call.setVariable('caller_id_number', nationalCallerNumber(caller, route.nationalFormat));
  }
  for (const [name, value] of Object.entries(route.variables)) call.setVariable(name, value);
  return selection;
}

/** The origin for logs: `user 101@example.com`, `gateway carrier (example.com)`, `anonymous`. */
export function describeOrigin(origin: CallOrigin): string {
  switch (origin.kind) {
    case 'user':
      return `user ${origin.userId}@${origin.domain}`;
    case 'gateway':
      return `gateway ${origin.gateway} (${origin.domain})`;
    case 'anonymous':
      return 'anonymous';
  }
}
