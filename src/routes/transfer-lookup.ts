import type { RouteLookup, RoutedSchema } from '../engine/transfer.js';
import type { RouteMatch, RouteSelection, RouteTable } from './route-table.js';

/** A selected route as the engine runs it. */
export function routedSchema({ route, captures }: RouteMatch): RoutedSchema {
  return { schema: route.schema, captures, domain: route.domain, variables: route.variables, name: `${route.path} (${route.name})` };
}

/**
 * `goto default:<n>` routes the call as one of its domain's users dialling n;
 * `goto public:<n>` as a call from a gateway to the public number n (a
 * transfer comes from a schema, which the router trusts like a gateway).
 */
export function transferLookup(routes: RouteTable): RouteLookup {
  return ({ context, destination }, domain) => {
    const selection: RouteSelection =
      context === 'default' ? routes.selectFromUser(domain, destination) : routes.selectPublic(destination, 'gateway');
    return selection.found ? routedSchema(selection) : { reason: selection.reason };
  };
}
