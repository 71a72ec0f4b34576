import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, extname, resolve } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { readConfigDocument } from '../../config/file.js';
import { resolveMediaDir } from '../../config/load.js';
import { mediaLoadContext } from '../../apps/play-items.js';
import { SqliteConfigStore } from '../../config/store/sqlite-config-store.js';
import { ConfigDomainsError, Configuration } from '../../config/store/configuration.js';
import { appRegistry } from '../../apps/registry.js';
import { SchemaLoader } from '../../engine/compile.js';
import { formatRouteSchemaWarning, loadRouteSchemas, RouteSchemaError, routeSchemaWarnings, type RouteSchemas } from '../../routes/route-schemas.js';
import { domainsFromFile } from '../../config/store/stored-domains.js';
import { DEFAULT_CONFIG } from '../commands/start.js';
import { UsageError } from '../failure.js';
import { readConfigAndDataDir } from '../input.js';

export interface ExportOptions {
  config?: string;
  output?: string;
}

/** `callrouter config import`: the file's domains become the store's next revision. */
export async function importConfig(configPath: string): Promise<void> {
  const { config, dataDir } = await readConfigAndDataDir(configPath);
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

/** `callrouter config export`: the file's own settings with the store's domains, as a configuration file. */
export async function exportConfig(options: ExportOptions): Promise<void> {
  const configPath = options.config ?? DEFAULT_CONFIG;
  const { config, dataDir } = await readConfigAndDataDir(configPath);
  const store = SqliteConfigStore.openInDataDir(dataDir);
  let latest;
  try {
    latest = await store.latest();
  } finally {
    await store.close();
  }
  // Never started: the file's own domains, in the form the store would keep them.
  const stored = latest?.domains ?? (await domainsFromFile(config.domains, dirname(resolve(configPath))));
  const file = (await readConfigDocument(configPath)) as Record<string, unknown>;
  // The file's own settings as written, the store's domains in place of its.
  const document = { ...file, domains: stored };
  const out = options.output && /^\.ya?ml$/i.test(extname(options.output)) ? stringifyYaml(document) : `${JSON.stringify(document, null, 2)}\n`;
  if (options.output) {
    await writeFile(options.output, out, { mode: 0o600 });
    console.error(`wrote revision ${latest?.revision ?? 0} to ${options.output}`);
  } else process.stdout.write(out);
}
