import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import Fastify from 'fastify';
import { authPlugin, requestDomainScope, requestIdentity } from '../../admin/auth-plugin.js';
import { TokenStore } from '../../admin/token-store.js';
import { cdrHttpPlugin } from '../../cdr/http/plugin.js';
import { IMPORT_CACHE_MIB, importCdrFile, type ImportError } from '../../cdr/import.js';
import { SqliteCdrWorkers } from '../../cdr/sqlite/cdr-workers.js';
import { BULK_LOAD_CACHE_MIB, BULK_LOAD_YOUNG_GENERATION_MB, openSqliteCdrStore, type SqliteCdrStore } from '../../cdr/sqlite/store.js';
import { CdrQueryError } from '../../cdr/store.js';
import { CDR_DATABASE_FILE } from '../../server/data-dir.js';
import { parseInstant } from '../arguments.js';
import { UsageError } from '../failure.js';

/** The store file inside a data directory: the router's own. */
function cdrDatabasePath(dataDir: string): string {
  return join(dataDir, CDR_DATABASE_FILE);
}

export interface StoreOptions {
  data: string;
  retentionDays?: string;
}

function retentionDaysOf(options: StoreOptions): number | undefined {
  const retentionDays = options.retentionDays === undefined ? undefined : Number(options.retentionDays);
  if (retentionDays !== undefined && (!Number.isInteger(retentionDays) || retentionDays < 1)) {
    throw new UsageError(`--retention-days ${JSON.stringify(options.retentionDays)}: expected a whole number of days, at least 1`);
  }
  return retentionDays;
}

function openStore(options: StoreOptions, cacheMiB?: number): SqliteCdrStore {
  return openSqliteCdrStore({ path: cdrDatabasePath(options.data), retentionDays: retentionDaysOf(options), cacheMiB });
}

function describeError(error: ImportError): string {
  const where = error.line !== undefined ? `line ${error.line}` : `element ${error.element}`;
  return `${where}: ${error.reason}`;
}

/** `callrouter cdr import`: loads a file of CDRs; bad lines are reported, good ones kept, exit 1 when any failed. */
export async function importCdrs(file: string, options: StoreOptions & { timeZone: string }): Promise<void> {
  const store = openStore(options, IMPORT_CACHE_MIB);
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'importing [{bar}] {percentage}% | {imported} imported, {failed} failed' }) : undefined;
  bar?.start(1, 0, { imported: 0, failed: 0 });
  try {
    const result = await importCdrFile(
      store,
      file,
      (progress) => {
        bar?.setTotal(Math.max(1, progress.totalBytes));
        bar?.update(progress.bytesRead, { imported: progress.imported, failed: progress.failed });
      },
      { timeZone: options.timeZone },
    );
    bar?.stop();
    for (const error of result.errors) console.error(`${file}: ${describeError(error)}`);
    console.log(`${result.imported} imported, ${result.failed} failed`);
    if (result.failed > 0) process.exitCode = 1;
  } finally {
    bar?.stop();
    await store.close();
  }
}

/** `callrouter cdr search`: one search request, its response on stdout (a query error's on stderr, exit 1). */
export async function searchCdrs(text: string, options: StoreOptions & { now?: string; domain?: string }): Promise<void> {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`request is not valid JSON: ${(error as Error).message}`);
  }
  const store = openStore(options);
  try {
    const now = options.now === undefined ? undefined : parseInstant(options.now, '--now');
    console.log(JSON.stringify(await store.search(request, { now, domain: options.domain }), null, 2));
  } catch (error) {
    if (!(error instanceof CdrQueryError)) throw error;
    console.error(JSON.stringify(error.toResponse(), null, 2));
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

/** `callrouter cdr serve`: the store as an Elasticsearch node, until SIGINT or SIGTERM. */
export async function serveCdrs(options: StoreOptions & { port: string; host: string; testClock: boolean }): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${JSON.stringify(options.port)}: expected 0 to 65535`);
  // Requests run on worker threads with deadlines, as in the router: a hostile one cannot stall the others.
  // A node of its own, loaded by `_bulk` clients: its requests' connection is set up for large batches.
  const store = new SqliteCdrWorkers({
    path: cdrDatabasePath(options.data),
    retentionDays: retentionDaysOf(options),
    requestCacheMiB: BULK_LOAD_CACHE_MIB,
    requestYoungGenerationMb: BULK_LOAD_YOUNG_GENERATION_MB,
    requestsInBackground: false,
  });
  const tokens = TokenStore.openInDataDir(options.data);
  if (!tokens.hasLiveTokens()) console.error(`No API tokens in ${options.data}: every request will get 401. Create one with: callrouter token create --data-dir ${options.data} --role admin --name <who>`);
  const app = Fastify({ logger: false, bodyLimit: 100 * 1024 * 1024 });
  await app.register(authPlugin, { tokens, unknownRoutes: 'elasticsearch' });
  await app.register(cdrHttpPlugin, { store, testClock: options.testClock, domainOf: requestDomainScope, identityOf: requestIdentity, soleApi: true, storeFile: cdrDatabasePath(options.data) });
  const address = await app.listen({ port, host: options.host });
  console.log(`CDR API listening on ${address}`);
  const stop = async () => {
    await app.close();
    tokens.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
