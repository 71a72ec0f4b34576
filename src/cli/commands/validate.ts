import type { Command } from 'commander';
import { action } from '../failure.js';

/** `callrouter validate <schema.json>`: exit 0 when valid, 2 with every error when not. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a routing schema; prints every error with its JSON path')
    .argument('<schema>', 'schema file: JSON (or .yaml/.yml) array of applications, or a Webitel route record with callflow')
    .action(action(async (path: string) => (await import('../actions/validate.js')).validate(path)));
}
