import { describeDialect } from '../../engine/dialect.js';
import { formatSchemaError } from '../../engine/schema-error.js';
import { readSchemaFile } from '../input.js';

export async function validate(path: string): Promise<void> {
  const schema = await readSchemaFile(path);
  console.log(`${path}: valid (${schema.root.steps.length} top-level applications)`);
  console.log(`dialect: ${describeDialect(schema.dialect)}`);
  for (const warning of schema.warnings) console.log(`warning: ${formatSchemaError(warning)}`);
}
