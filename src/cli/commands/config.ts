import type { Command } from 'commander';
import type { ExportOptions } from '../actions/config.js';
import { action } from '../failure.js';
import { DEFAULT_CONFIG } from './start.js';

/** `callrouter config export|import`: the configuration store, written back as a file or taking one in. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('the configuration store (<dataDir>/config.sqlite)');
  config
    .command('export')
    .description(
      "write the configuration as the store holds it now: the file's own settings (ports, dataDir…) with the store's domains — users with their ha1 hashes, schemas by name",
    )
    .option('--config <file>', `configuration file whose dataDir holds the store (default ${DEFAULT_CONFIG})`)
    .option('-o, --output <file>', 'write here (JSON, or YAML for .yaml/.yml) instead of stdout')
    .action(action(async (options: ExportOptions) => (await import('../actions/config.js')).exportConfig(options)));
  config
    .command('import')
    .description("make the configuration file's domains the store's next revision (audited as the CLI); a running router takes it on SIGHUP")
    .option('--config <file>', `configuration file (default ${DEFAULT_CONFIG})`)
    .action(action(async (options: { config?: string }) => (await import('../actions/config.js')).importConfig(options.config ?? DEFAULT_CONFIG)));
}
