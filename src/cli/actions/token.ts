import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { AccountError } from '../../admin/account-store.js';
import { isRole, ROLE_DESCRIPTIONS, ROLES } from '../../admin/roles.js';
import { TokenError, TokenStore, type TokenRecord } from '../../admin/token-store.js';
import { ConfigError, loadConfigFile, resolveDataDir } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { action, UsageError } from '../input.js';
import { DEFAULT_CONFIG } from './start.js';

export interface PlaceOptions {
  config?: string;
  dataDir?: string;
}

interface Place {
  dataDir: string;
  /** When known, a domain-admin token's domain is checked against it. */
  config?: Config;
}

/**
 * Where the tokens live: --data-dir, else the data directory of --config,
 * else of the configuration `start` uses by default, else ./data.
 */
export async function placeOf(options: PlaceOptions): Promise<Place> {
  if (options.config && options.dataDir) throw new UsageError('give --config or --data-dir, not both');
  if (options.dataDir) return { dataDir: options.dataDir };
  const configPath = options.config ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  if (!configPath) return { dataDir: './data' };
  try {
    const config = await loadConfigFile(configPath);
    return { dataDir: resolveDataDir(configPath, config), config };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.file}: invalid configuration`, error.problems);
    throw error;
  }
}

/** Opens a store of admin.sqlite where the options say, runs `run`, closes it; the stores' own refusals become usage errors. */
export async function withAdminStore<S extends { close(): void }, T>(
  options: PlaceOptions,
  open: (dataDir: string) => S,
  run: (store: S, place: Place) => T | Promise<T>,
): Promise<T> {
  const place = await placeOf(options);
  await mkdir(place.dataDir, { recursive: true });
  const store = open(place.dataDir);
  try {
    return await run(store, place);
  } catch (error) {
    if (error instanceof TokenError || error instanceof AccountError) throw new UsageError(error.message);
    throw error;
  } finally {
    store.close();
  }
}

const withStore = <T>(options: PlaceOptions, run: (store: TokenStore, place: Place) => T) => withAdminStore(options, (dataDir) => TokenStore.openInDataDir(dataDir), run);

function describe(record: TokenRecord): string {
  const scope = record.domain ? ` of ${record.domain}` : '';
  const state = record.revokedAt ? `revoked ${record.revokedAt}` : 'live';
  return `${record.id}  ${record.role}${scope}  "${record.name}"  created ${record.createdAt}  ${state}`;
}

/** --config and --data-dir: where admin.sqlite is. */
export const placeOptions = (command: Command) =>
  command
    .option('--config <file>', `configuration whose dataDir holds admin.sqlite (default ${DEFAULT_CONFIG} when it exists)`)
    .option('--data-dir <dir>', 'data directory holding admin.sqlite (default ./data)');

/** `callrouter token create|list|revoke`: the HTTP API's bearer tokens. */
export function registerToken(program: Command): void {
  const token = program
    .command('token')
    .description(`HTTP API tokens (stored hashed in the data directory); roles: ${ROLES.map((role) => `${role} (${ROLE_DESCRIPTIONS[role]})`).join('; ')}`);

  placeOptions(token.command('create'))
    .description('create a token and print it once on stdout (only its SHA-256 is kept)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .requiredOption('--name <text>', 'who or what uses it, e.g. "grafana" or "Alice"')
    .option('--domain <name>', 'the one domain of a domain-admin token')
    .action(
      action(async (options: PlaceOptions & { role: string; name: string; domain?: string }) => {
        const { role, name, domain } = options;
        if (!isRole(role)) throw new UsageError(`--role ${JSON.stringify(role)}: expected one of ${ROLES.join(', ')}`);
        await withStore(options, (store, place) => {
          if (domain && place.config && !place.config.domains.some((candidate) => candidate.name === domain)) {
            throw new UsageError(`--domain ${JSON.stringify(domain)}: no such domain in the configuration (${place.config.domains.map((d) => d.name).join(', ')})`);
          }
          const created = store.create({ role, name, domain });
          const scope = domain ? ` of ${domain}` : '';
          console.error(`Created token ${created.record.id} (${role}${scope}, "${created.record.name}"). It is shown once; keep it secret:`);
          console.log(created.token);
        });
      }),
    );

  placeOptions(token.command('list'))
    .description('list tokens (id, role, domain, name, created, revoked); secrets are never shown')
    .option('--json', 'JSON lines instead of text')
    .action(
      action(async (options: PlaceOptions & { json?: boolean }) => {
        await withStore(options, (store) => {
          for (const record of store.list()) console.log(options.json ? JSON.stringify(record) : describe(record));
        });
      }),
    );

  placeOptions(token.command('revoke'))
    .description('revoke a token by id: refused from the next request on, also by a running router')
    .argument('<id>', 'the id `token list` shows')
    .action(
      action(async (id: string, options: PlaceOptions) => {
        await withStore(options, (store) => {
          if (!store.revoke(id)) throw new UsageError(`no live token with id ${JSON.stringify(id)} (see callrouter token list)`);
          console.log(`revoked ${id}`);
        });
      }),
    );
}
