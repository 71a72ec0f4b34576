import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { Command } from 'commander';
import { readConfigDocument } from '../../config/file.js';
import { heapOptions, processSettingsOf } from '../../process-settings.js';
import { action } from '../failure.js';
import { heapOptionsApplied, relaunchWithHeapOptions } from '../heap-limit.js';

export const DEFAULT_CONFIG = 'data/callrouter.json';

/** `callrouter start`: runs the router until SIGTERM/SIGINT. */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description(`run the router (with no --config: ${DEFAULT_CONFIG}, a demo configuration written on first start)`)
    .option('--config <file>', 'configuration file (JSON or YAML)')
    .action(
      action(async (options: { config?: string }) => {
        const configPath = options.config ?? DEFAULT_CONFIG;
        if (!options.config && !existsSync(configPath)) await (await import('../actions/demo.js')).writeDemo(configPath);
        // The launcher loads no more than it needs to read the heap's sizes: it stays beside the router as long as it runs.
        const heap = await configuredHeapOptions(configPath);
        if (heap !== undefined && !heapOptionsApplied(heap)) {
          process.exitCode = await relaunchWithHeapOptions(heap);
          return;
        }
        await (await import('../actions/start.js')).start(configPath);
      }),
    );
}

/** Node's options for the heap the configuration asks for; undefined when it cannot say, and the router's own loading names why. */
async function configuredHeapOptions(configPath: string): Promise<string[] | undefined> {
  const settings = processSettingsOf(await readConfigDocument(configPath).catch(() => undefined));
  return settings && heapOptions(settings, totalmem());
}
