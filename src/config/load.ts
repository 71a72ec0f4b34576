import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatJsonPath } from '../json-path.js';
import { configSchema, type Config } from './schema.js';
import { parseJsonText } from '../json-text.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads a JSON or YAML configuration file and validates it; every problem is named with its path. */
export async function loadConfigFile(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = ['.yaml', '.yml'].includes(extname(file)) ? parseYaml(text) : parseJsonText(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  return parseConfig(file, json);
}

export function parseConfig(file: string, json: unknown): Config {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(file, parsed.error.issues.map((issue) => `${formatJsonPath(issue.path)}: ${issue.message}`));
  }
  return parsed.data;
}

/** The data directory a configuration names, relative to the configuration file's folder. */
/** The root of the domains' media folders: `media.dir`, relative to the data directory. */
export function resolveMediaDir(configPath: string, config: Pick<Config, 'dataDir' | 'media'>): string {
  return resolve(resolveDataDir(configPath, config), config.media.dir);
}

export function resolveDataDir(configPath: string, config: Pick<Config, 'dataDir'>): string {
  return resolve(dirname(resolve(configPath)), config.dataDir);
}
