import type { Command } from 'commander';
import type { StoreOptions } from '../actions/cdr.js';
import { action } from '../failure.js';

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
      action(async (file: string, options: StoreOptions & { timeZone: string }) => (await import('../actions/cdr.js')).importCdrs(file, options)),
    );

  cdr
    .command('search')
    .description('run an Elasticsearch search request over the CDRs and print the response')
    .argument('<request>', 'search body as JSON, e.g. \'{"query":{"term":{"User ID":"101"}}}\'')
    .option('--data <dir>', 'data directory', './data')
    .option('--now <time>', 'ISO time used as "now" in date math')
    .option('--domain <name>', "only this domain's CDRs")
    .action(
      action(async (text: string, options: StoreOptions & { now?: string; domain?: string }) => (await import('../actions/cdr.js')).searchCdrs(text, options)),
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
      action(async (options: StoreOptions & { port: string; host: string; testClock: boolean }) => (await import('../actions/cdr.js')).serveCdrs(options)),
    );
}
