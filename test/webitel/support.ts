import { configSchema } from '../../src/config/schema.js';
import { AcrServices } from '../../src/apps/services/acr-services.js';
import type { DomainAppSettings } from '../../src/apps/services/settings.js';
import type { RouteLookup } from '../../src/engine/transfer.js';
import { loadRouteSchemas } from '../../src/routes/route-schemas.js';
import { RouteTable } from '../../src/routes/route-table.js';
import { transferLookup } from '../../src/routes/transfer-lookup.js';
import { schemaLoader, TEST_DOMAIN } from '../support/engine.js';

export const FIXTURES = new URL('../support/fixtures/webitel/', import.meta.url);

/** HTTP that reaches only loopback: the documentation's examples name hosts on the internet. */
export const loopbackOnlyFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`no network in tests: ${url.host}`);
  return fetch(input, init);
};

export function acrServices(settings: DomainAppSettings = {}, fetchImpl: typeof fetch = loopbackOnlyFetch): AcrServices {
  return new AcrServices([[TEST_DOMAIN, settings]], fetchImpl);
}

/**
 * Route tables of example.com: its users dial any number into a schema that
 * logs where it landed and hangs up; the public number 100 does the same.
 */
export async function testRoutes(): Promise<RouteLookup> {
  const landed = (kind: string) => [{ log: `${kind} route for \${destination_number}` }, { hangup: '' }];
  const config = configSchema.parse({
    domains: [
      {
        name: TEST_DOMAIN,
        users: [{ id: '101', password: 'secret' }],
        routes: {
          public: [{ name: 'main', numbers: ['100'], schema: landed('public') }],
          default: [{ name: 'any', pattern: '^(.+)$', schema: landed('default') }],
        },
      },
    ],
  });
  return transferLookup(RouteTable.build(config, await loadRouteSchemas(config, '.', schemaLoader)));
}
