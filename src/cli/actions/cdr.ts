import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import Fastify from 'fastify';
import { authPlugin, requestDomainScope, requestIdentity } from '../../admin/auth-plugin.js';
import { TokenStore } from '../../admin/token-store.js';
import { cdrHttpPlugin } from '../../cdr/http/plugin.js';
import { importCdrFile, type ImportError } from '../../cdr/import.js';
import { SqliteCdrWorkers } from '../../cdr/sqlite/cdr-workers.js';
import { openSqliteCdrStore, type SqliteCdrStore } from '../../cdr/sqlite/store.js';
import { CdrQueryError } from '../../cdr/store.js';
import { action, parseInstant, UsageError } from '../input.js';

/** The store file inside a data directory. */
export function cdrDatabasePath(dataDir: string): string {
  return join(dataDir, 'cdr.sqlite');
}

interface StoreOptions {
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

/** The importer's page cache: its transactions (importCdrFile's batches) change most index pages of a store of millions. */
const IMPORT_CACHE_MIB = 256;

function openStore(options: StoreOptions, cacheMiB?: number): SqliteCdrStore {
  return openSqliteCdrStore({ path: cdrDatabasePath(options.data), retentionDays: retentionDaysOf(options), cacheMiB });
}

function describeError(error: ImportError): string {
  const where = error.line !== undefined ? `line ${error.line}` : `element ${error.element}`;
  return `${where}: ${error.reason}`;
}

/** `callrouter cdr import|search|serve`: the CDR store from the command line. */
export function registerCdr(program: Command): void {
  const cdr = program.command('cdr').description('call detail records: import, search, serve the Elasticsearch-compatible API');

  cdr
    .command('import')
    .description('load CDR documents or FreeSWITCH JSON CDRs (NDJSON or JSON); bad lines are reported, good ones kept')
    .argument('<file>', 'file.ndjson or file.json')
    .option('--data <dir>', 'data directory', './data')
    .option('--time-zone <zone>', "zone of FreeSWITCH's local-time stamps", 'UTC')
    .action(
      action(async (file: string, options: StoreOptions & { timeZone: string }) => {
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
      }),
    );

  cdr
    .command('search')
    .description('run an Elasticsearch search request over the CDRs and print the response')
    .argument('<request>', 'search body as JSON, e.g. \'{"query":{"term":{"User ID":"101"}}}\'')
    .option('--data <dir>', 'data directory', './data')
    .option('--now <time>', 'ISO time used as "now" in date math')
    .option('--domain <name>', "only this domain's CDRs")
    .action(
      action(async (text: string, options: StoreOptions & { now?: string; domain?: string }) => {
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
      }),
    );

  cdr
    .command('serve')
    .description('serve the CDR store as an Elasticsearch 8 node (search, scroll, point in time, documents, _bulk, _delete_by_query, _msearch, mapping) plus /cdr/freeswitch; tokens as on the router (callrouter token create --data-dir)')
    .option('--port <n>', 'TCP port', '9200')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'data directory', './data')
    .option('--retention-days <n>', 'drop CDRs older than this many days')
    .option('--test-clock', 'honour an X-Now request header as "now" (tests only)', false)
    .action(
      action(async (options: StoreOptions & { port: string; host: string; testClock: boolean }) => {
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${JSON.stringify(options.port)}: expected 0 to 65535`);
        // Requests run on worker threads with deadlines, as in the router: a hostile one cannot stall the others.
        const store = new SqliteCdrWorkers({ path: cdrDatabasePath(options.data), retentionDays: retentionDaysOf(options) });
        const tokens = TokenStore.openInDataDir(options.data);
        if (!tokens.hasLiveTokens()) console.error(`No API tokens in ${options.data}: every request will get 401. Create one with: callrouter token create --data-dir ${options.data} --role admin --name <who>`);
        const app = Fastify({ logger: false, bodyLimit: 100 * 1024 * 1024 });
        await app.register(authPlugin, { tokens });
        await app.register(cdrHttpPlugin, { store, testClock: options.testClock, domainOf: requestDomainScope, identityOf: requestIdentity });
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
      }),
    );
}
