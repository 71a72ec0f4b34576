import type { Logger } from 'pino';
import { ConfigError } from '../../config/file.js';
import { ConfigDomainsError } from '../../config/store/configuration.js';
import type { Config } from '../../config/schema.js';
import { RouteSchemaError } from '../../routes/route-schemas.js';
import { startRouter } from '../../server/router.js';
import { UsageError } from '../failure.js';
import { dieWithLauncher } from '../heap-limit.js';
import { createLogger, logFormatFor } from '../logger.js';

/** `callrouter start` in the process that runs the router (behind the heap-limit launcher, or without one). */
export async function start(configPath: string): Promise<void> {
  dieWithLauncher();
  let logger: Logger | undefined;
  let loaded: Config | undefined;
  let router;
  try {
    // LOG_LEVEL beats the file's log.level, for a quick `LOG_LEVEL=debug callrouter start` to see every SIP message.
    router = await startRouter(configPath, (config) => {
      loaded = config;
      return (logger = createLogger(process.env.LOG_LEVEL ?? config.log.level, logFormatFor(process.env, process.stdout.isTTY === true)));
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.file}: invalid configuration`, error.problems);
    if (error instanceof RouteSchemaError) throw new UsageError(`${configPath}: invalid route schemas`, error.problems);
    if (error instanceof ConfigDomainsError) throw new UsageError(`${configPath}: invalid configuration`, error.problems);
    const unusable = loaded && unusableAddress(error, loaded, configPath);
    if (unusable) throw unusable;
    throw error;
  }
  const running = router;
  const reload = () => void running.reloadFile();
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger?.info({ signal }, 'stopping');
      resolve();
    };
    // on, not once: behind the heap-limit launcher a Ctrl-C comes twice, and the second must not kill a stopping router.
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.off('SIGHUP', reload);
  await router.stop();
}

const UNUSABLE_ADDRESS: Record<string, string> = {
  EADDRINUSE: 'is already in use (another callrouter, SIP server or web server?)',
  EADDRNOTAVAIL: 'is not an address of this machine',
  EACCES: 'needs privileges this process does not have',
};

/** A port the router cannot listen on, named with the setting that chose it rather than as a stack trace. */
function unusableAddress(error: unknown, config: Config, configPath: string): UsageError | undefined {
  const { code, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  const reason = code && UNUSABLE_ADDRESS[code];
  if (!reason) return undefined;
  const setting = port === config.http.port ? 'http' : 'sip.listen';
  return new UsageError(`${address ?? '?'}:${port ?? '?'} ${reason}: choose another with "${setting}" in ${configPath}`);
}
