import { dirname, resolve } from 'node:path';
import { formatJsonPath } from '../json-path.js';
import { ConfigError, readConfigDocument } from './file.js';
import { configSchema, type Config } from './schema.js';

/** Reads a JSON or YAML configuration file and validates it; every problem is named with its path. */
export async function loadConfigFile(file: string): Promise<Config> {
  return parseConfig(file, await readConfigDocument(file));
}

export function parseConfig(file: string, json: unknown): Config {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(file, parsed.error.issues.map((issue) => `${formatJsonPath(issue.path)}: ${issue.message}`));
  }
  return parsed.data;
}

/** The root of the domains' media folders: `media.dir`, relative to the data directory. */
export function resolveMediaDir(configPath: string, config: Pick<Config, 'dataDir' | 'media'>): string {
  return resolve(resolveDataDir(configPath, config), config.media.dir);
}

/** The data directory a configuration names, relative to the configuration file's folder. */
export function resolveDataDir(configPath: string, config: Pick<Config, 'dataDir'>): string {
  return resolve(dirname(resolve(configPath)), config.dataDir);
}
