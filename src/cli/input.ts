/** Reading the files a command is given: schemas, JSON documents, the configuration. */
import { readFile } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { appRegistry } from '../apps/registry.js';
import { ConfigError } from '../config/file.js';
import { loadConfigFile, resolveDataDir } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { SchemaLoader, type CompiledSchema } from '../engine/compile.js';
import { formatOfPath } from '../engine/schema-text.js';
import { formatJsonPath } from '../json-path.js';
import { formatSchemaError, type SchemaError } from '../engine/schema-error.js';
import { parseJsonText } from '../json-text.js';
import { UsageError } from './failure.js';

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

/** The configuration file, validated; its problems as a usage error naming each path. */
export async function readConfig(configPath: string): Promise<Config> {
  try {
    return await loadConfigFile(configPath);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.file}: invalid configuration`, error.problems);
    throw error;
  }
}

/** The configuration file, validated, and the data directory it names. */
export async function readConfigAndDataDir(configPath: string): Promise<{ config: Config; dataDir: string }> {
  const config = await readConfig(configPath);
  return { config, dataDir: resolveDataDir(configPath, config) };
}
