import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { ConfigError } from '../../config/load.js';
import { ConfigDomainsError } from '../../config/store/configuration.js';
import type { Config } from '../../config/schema.js';
import { RouteSchemaError } from '../../routes/route-schemas.js';
import { writeDemoConfig } from '../../server/demo-config.js';
import { heapLimitMB } from '../../process-settings.js';
import { startRouter } from '../../server/router.js';
import { dieWithLauncher, heapLimitApplied, relaunchWithHeapLimit } from '../heap-limit.js';
import { action, readConfig, UsageError } from '../input.js';
import { createLogger, logFormatFor } from '../logger.js';

export const DEFAULT_CONFIG = 'data/callrouter.json';

interface StartOptions {
  config?: string;
}

/** `callrouter start`: runs the router until SIGTERM/SIGINT. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description(`run the router (with no --config: ${DEFAULT_CONFIG}, a demo configuration written on first start)`)
    .option('--config <file>', 'configuration file (JSON or YAML)')
    .action(action((options: StartOptions) => start(options)));
}

async function start(options: StartOptions): Promise<void> {
  const configPath = options.config ?? DEFAULT_CONFIG;
  if (!options.config && !existsSync(configPath)) {
    const demo = await writeDemoConfig(configPath);
    console.log(`Wrote a demo configuration to ${configPath}. SIP credentials (shown once):`);
    for (const user of demo.users) console.log(`  ${user.id}@${demo.domain}  password ${user.password}  voicemail PIN ${user.voicemailPin}`);
    console.log(`The IVR (public number, or dial 500) speaks with ${demo.prompts === 'speech' ? 'espeak-ng' : 'tones (install espeak-ng for speech)'}; *98 listens to your voicemail.`);
    console.log(`HTTP API admin token (shown once; more with callrouter token create): ${demo.adminToken}`);
    console.log(`Console sign-in at http://127.0.0.1:8080/ (shown once; more with callrouter admin create): ${demo.adminAccount.username} / ${demo.adminAccount.password}`);
    console.log('SIP and HTTP listen on 127.0.0.1 only; the README\'s "Security model" says how to open them to other machines.');
  }
  const limitMB = heapLimitMB((await readConfig(configPath)).process, totalmem());
  if (!heapLimitApplied(limitMB)) {
    process.exitCode = await relaunchWithHeapLimit(limitMB);
    return;
  }
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
