import { readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigError, loadConfigFile, resolveDataDir } from '../../config/load.js';
import { SqliteConfigStore } from '../../config/store/sqlite-config-store.js';
import { domainsFromFile, exportedConfig } from '../../config/store/stored-domains.js';
import { parseJsonText } from '../../json-text.js';
import { action, UsageError } from '../input.js';
import { DEFAULT_CONFIG } from './start.js';

interface ExportOptions {
  config?: string;
  output?: string;
}

/** `callrouter config export`: the configuration store written back as a configuration file. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('the configuration store (<dataDir>/config.sqlite)');
  config
    .command('export')
    .description(
      "write the configuration as the store holds it now: the file's own settings (ports, dataDir…) with the store's domains — users with their ha1 hashes, schemas by name",
    )
    .option('--config <file>', `configuration file whose dataDir holds the store (default ${DEFAULT_CONFIG})`)
    .option('-o, --output <file>', 'write here (JSON, or YAML for .yaml/.yml) instead of stdout')
    .action(action((options: ExportOptions) => exportConfig(options)));
}

async function exportConfig(options: ExportOptions): Promise<void> {
  const configPath = options.config ?? DEFAULT_CONFIG;
  let dataDir: string;
  let domains;
  try {
    const loaded = await loadConfigFile(configPath);
    dataDir = resolveDataDir(configPath, loaded);
    domains = loaded.domains;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.file}: invalid configuration`, error.problems);
    throw error;
  }
  const store = SqliteConfigStore.openInDataDir(dataDir);
  let latest;
  try {
    latest = await store.latest();
  } finally {
    await store.close();
  }
  // Never started: the file's own domains, in the form the store would keep them.
  const stored = latest?.domains ?? (await domainsFromFile(domains, dirname(resolve(configPath))));
  const text = await readFile(configPath, 'utf8');
  const yaml = (file: string) => /^\.ya?ml$/i.test(extname(file));
  const file = (yaml(configPath) ? parseYaml(text) : parseJsonText(text)) as Record<string, unknown>;
  const document = exportedConfig(file, stored);
  const out = options.output && yaml(options.output) ? stringifyYaml(document) : `${JSON.stringify(document, null, 2)}\n`;
  if (options.output) {
    await writeFile(options.output, out, { mode: 0o600 });
    console.error(`wrote revision ${latest?.revision ?? 0} to ${options.output}`);
  } else process.stdout.write(out);
}
