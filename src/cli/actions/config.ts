import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigError, loadConfigFile, resolveDataDir, resolveMediaDir } from '../../config/load.js';
import { mediaLoadContext } from '../../apps/play-items.js';
import { SqliteConfigStore } from '../../config/store/sqlite-config-store.js';
import { ConfigDomainsError, Configuration } from '../../config/store/configuration.js';
import { appRegistry } from '../../apps/registry.js';
import { SchemaLoader } from '../../engine/compile.js';
import { formatRouteSchemaWarning, loadRouteSchemas, RouteSchemaError, routeSchemaWarnings, type RouteSchemas } from '../../routes/route-schemas.js';
import { domainsFromFile } from '../../config/store/stored-domains.js';
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
  config
    .command('import')
    .description("make the configuration file's domains the store's next revision (audited as the CLI); a running router takes it on SIGHUP")
    .option('--config <file>', `configuration file (default ${DEFAULT_CONFIG})`)
    .action(action((options: { config?: string }) => importConfig(options.config ?? DEFAULT_CONFIG)));
}

async function importConfig(configPath: string): Promise<void> {
  const { config, dataDir } = await readConfig(configPath);
  const configDir = dirname(resolve(configPath));
  const loader = new SchemaLoader(appRegistry);
  const contextOf = mediaLoadContext(resolveMediaDir(configPath, config));
  let schemas: RouteSchemas;
  try {
    // The file's schema problems named with the files they are in.
    schemas = await loadRouteSchemas(config, configDir, loader, contextOf);
  } catch (error) {
    if (error instanceof RouteSchemaError) throw new UsageError(`${configPath}: invalid route schemas`, error.problems);
    throw error;
  }
  const fileDomains = await domainsFromFile(config.domains, configDir);
  const store = SqliteConfigStore.openInDataDir(dataDir);
  try {
    const { configuration, imported } = await Configuration.open({ store, loader, fileDomains, fromFile: false, contextOf });
    if (!imported) {
      const result = await configuration.change({ actor: { kind: 'cli', id: userInfo().username, name: `${userInfo().username} (callrouter config import)` }, action: 'import', object: 'domains', edit: () => fileDomains });
      if (!result.ok) throw new UsageError(`${configPath}: invalid configuration`, result.issues.map((issue) => `${issue.path}: ${issue.message}`));
    }
    console.log(`imported ${configPath} as revision ${configuration.current.revision}; a running router takes it on SIGHUP`);
    for (const warning of routeSchemaWarnings(schemas)) console.error(`warning: ${formatRouteSchemaWarning(warning)}`);
  } catch (error) {
    if (error instanceof ConfigDomainsError) throw new UsageError(`${configPath}: invalid configuration`, error.problems);
    throw error;
  } finally {
    await store.close();
  }
}

async function readConfig(configPath: string) {
  try {
    const config = await loadConfigFile(configPath);
    return { config, dataDir: resolveDataDir(configPath, config) };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.file}: invalid configuration`, error.problems);
    throw error;
  }
}

async function exportConfig(options: ExportOptions): Promise<void> {
  const configPath = options.config ?? DEFAULT_CONFIG;
  const { config, dataDir } = await readConfig(configPath);
  const store = SqliteConfigStore.openInDataDir(dataDir);
  let latest;
  try {
    latest = await store.latest();
  } finally {
    await store.close();
  }
  // Never started: the file's own domains, in the form the store would keep them.
  const stored = latest?.domains ?? (await domainsFromFile(config.domains, dirname(resolve(configPath))));
  const text = await readFile(configPath, 'utf8');
  const yaml = (file: string) => /^\.ya?ml$/i.test(extname(file));
  const file = (yaml(configPath) ? parseYaml(text) : parseJsonText(text)) as Record<string, unknown>;
  // The file's own settings as written, the store's domains in place of its.
  const document = { ...file, domains: stored };
  const out = options.output && yaml(options.output) ? stringifyYaml(document) : `${JSON.stringify(document, null, 2)}\n`;
  if (options.output) {
    await writeFile(options.output, out, { mode: 0o600 });
    console.error(`wrote revision ${latest?.revision ?? 0} to ${options.output}`);
  } else process.stdout.write(out);
}
