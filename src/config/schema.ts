import { z } from 'zod';
import { appsDomainShape } from '../apps/services/settings.js';
import { callSettings } from '../call/settings.js';
import { cdrSettings } from '../cdr/settings.js';
import { directoryDomainShape } from '../directory/settings.js';
import { httpSettings } from '../http/settings.js';
import { mediaSettings } from '../media/settings.js';
import { routesDomainShape, uniqueDids } from '../routes/settings.js';
import { processSettings } from '../process-settings.js';
import { uniqueBy } from '../settings.js';
import { sipDomainShape, sipSettings, tlsGatewaysNeedTls } from '../sip/settings.js';

/**
 * The one configuration file: ports, data path, and per domain its users,
 * gateways and routes. Validated at start; errors name the JSON path. Each
 * layer owns its part (its `settings.ts`); this file only puts them together.
 */
export const domainConfig = z.object({ ...directoryDomainShape, ...routesDomainShape, ...sipDomainShape, ...appsDomainShape }).strict();

/** The domains, validated as a whole (names and public numbers unique): what the configuration store keeps. */
export const domainsSchema = z.array(domainConfig).min(1, 'expected at least one domain').superRefine(uniqueBy('name', 'domain'));

export const configSchema = z
  .object({
    /**
     * `store` (default): the domains live in the configuration store (`<dataDir>/config.sqlite`), imported from this file
     * on first start and changed through the admin API. `file`: this file is the configuration; SIGHUP reloads it.
     */
    configSource: z.enum(['store', 'file']).default('store'),
    sip: sipSettings,
    calls: callSettings,
    http: httpSettings,
    media: mediaSettings,
    dataDir: z.string().default('./data'),
    process: processSettings,
    cdr: cdrSettings,
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .strict()
      .default({}),
    domains: domainsSchema,
  })
  .strict()
  .superRefine(uniqueDids)
  .superRefine(tlsGatewaysNeedTls);

export type Config = z.infer<typeof configSchema>;
export type DomainConfig = z.infer<typeof domainConfig>;
