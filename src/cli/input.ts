import { readFile } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { appRegistry } from '../apps/registry.js';
import { ConfigError, loadConfigFile } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { SchemaLoader, type CompiledSchema } from '../engine/compile.js';
import { formatOfPath } from '../engine/schema-text.js';
import { formatJsonPath } from '../json-path.js';
import { formatSchemaError, type SchemaError } from '../engine/schema-error.js';
import { parseJsonText } from '../json-text.js';

/** Bad input on the command line: printed with its details, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export async function readSchemaFile(path: string): Promise<CompiledSchema> {
  const result = new SchemaLoader(appRegistry).loadText(await readText(path), formatOfPath(path));
  if (!result.ok) throw invalidSchema(path, result.errors);
  return result.schema;
}

export function invalidSchema(path: string, errors: SchemaError[]): UsageError {
  return new UsageError(`${path}: invalid schema (${errors.length} error${errors.length === 1 ? '' : 's'})`, errors.map(formatSchemaError));
}

/** Reads a JSON file and validates it, naming the file and JSON path of each problem. */
export async function readJsonFile<T>(path: string, schema: ZodType<T, any, unknown>): Promise<T> {
  const text = await readText(path);
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `${path}: invalid`,
      parsed.error.issues.map((issue) => `${formatJsonPath(issue.path)}: ${issue.message}`),
    );
  }
  return parsed.data;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `--var name=value`, repeatable. */
export function collectVariable(text: string, previous: Record<string, string>): Record<string, string> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--var ${JSON.stringify(text)}: expected name=value`);
  return { ...previous, [text.slice(0, eq)]: text.slice(eq + 1) };
}

export function parseInstant(text: string, option: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${option} ${JSON.stringify(text)}: expected an ISO-8601 time such as 2026-11-24T12:00:00Z`);
  }
  return date;
}

/** Runs a command action, reporting its failure. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      reportFailure(error);
    }
  };
}

/** Usage errors print their details and exit 2; anything else exits 1. */
export function reportFailure(error: unknown): void {
  if (error instanceof UsageError) {
    console.error(error.message);
    for (const detail of error.details) console.error(`  ${detail}`);
    process.exitCode = 2;
    return;
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}

/** The configuration file, validated; its problems as a usage error naming each path. */
export async function readConfig(configPath: string): Promise<Config> {
  try {
    return await loadConfigFile(configPath);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.file}: invalid configuration`, error.problems);
    throw error;
  }
}
