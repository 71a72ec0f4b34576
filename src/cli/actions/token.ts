import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { AccountError } from '../../admin/account-store.js';
import { isRole, ROLES } from '../../admin/roles.js';
import { TokenError, TokenStore, type TokenRecord } from '../../admin/token-store.js';
import type { Config } from '../../config/schema.js';
import { DEFAULT_CONFIG } from '../commands/start.js';
import { UsageError } from '../failure.js';
import { readConfigAndDataDir } from '../input.js';

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
  return readConfigAndDataDir(configPath);
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

/** `callrouter token create`: the token is printed once on stdout; only its hash is kept. */
export async function createToken(options: PlaceOptions & { role: string; name: string; domain?: string }): Promise<void> {
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
}

export async function listTokens(options: PlaceOptions & { json?: boolean }): Promise<void> {
  await withStore(options, (store) => {
    for (const record of store.list()) console.log(options.json ? JSON.stringify(record) : describe(record));
  });
}

export async function revokeToken(id: string, options: PlaceOptions): Promise<void> {
  await withStore(options, (store) => {
    if (!store.revoke(id)) throw new UsageError(`no live token with id ${JSON.stringify(id)} (see callrouter token list)`);
    console.log(`revoked ${id}`);
  });
}
