import type { Command } from 'commander';
import { describeDialect } from '../../engine/dialect.js';
import { formatSchemaError } from '../../engine/schema-error.js';
import { action, readSchemaFile } from '../input.js';

/** `callrouter validate <schema.json>`: exit 0 when valid, 2 with every error when not. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a routing schema; prints every error with its JSON path')
    .argument('<schema>', 'schema file: JSON (or .yaml/.yml) array of applications, or a Webitel route record with callflow')
    .action(
      action(async (path: string) => {
        const schema = await readSchemaFile(path);
        console.log(`${path}: valid (${schema.root.steps.length} top-level applications)`);
        console.log(`dialect: ${describeDialect(schema.dialect)}`);
        for (const warning of schema.warnings) console.log(`warning: ${formatSchemaError(warning)}`);
      }),
    );
}
