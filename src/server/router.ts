import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { loadConfigFile } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ConfigDirectory } from '../directory/config-directory.js';
import { createHttpServer, createMetricsRegistry } from '../http/server.js';
import { loadRouteSchemas, type RouteSchemas } from '../routes/route-schemas.js';

export interface RunningRouter {
  config: Config;
  directory: ConfigDirectory;
  routeSchemas: RouteSchemas;
  /** Where the HTTP port listens (the real port when 0 was configured). */
  http: { address: string; port: number };
  stop(): Promise<void>;
}

/**
 * The composition root of `callrouter start`: configuration, directory, route
 * schemas and the HTTP port, each validated before anything listens.
 */
export async function startRouter(configPath: string, logger: Logger): Promise<RunningRouter> {
  const config = await loadConfigFile(configPath);
  const configDir = dirname(resolve(configPath));
  const dataDir = resolve(configDir, config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const routeSchemas = await loadRouteSchemas(config, configDir);
  const directory = new ConfigDirectory(config.domains);
  const metrics = createMetricsRegistry();

  const http = await createHttpServer({
    logger,
    metrics,
    health: () => ({ domains: config.domains.map((domain) => domain.name) }),
  });
  await http.listen({ host: config.http.address, port: config.http.port });
  const address = http.server.address() as AddressInfo;
  logger.info(
    { http: `${address.address}:${address.port}`, dataDir, routes: routeSchemas.size },
    'callrouter started',
  );

  return {
    config,
    directory,
    routeSchemas,
    http: { address: address.address, port: address.port },
    async stop() {
      await http.close();
      logger.info('callrouter stopped');
    },
  };
}
