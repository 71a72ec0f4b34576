import type { Command } from 'commander';
import { dirname } from 'node:path';
import pino from 'pino';
import { acrServicesFor } from '../../apps/services/acr-services.js';
import type { RouteLookup } from '../../engine/transfer.js';
import { loadRouteSchemas, RouteSchemaError } from '../../routes/route-schemas.js';
import { RouteTable } from '../../routes/route-table.js';
import { transferLookup } from '../../routes/transfer-lookup.js';
import type { Config } from '../../config/schema.js';
import { domainConfig } from '../../config/schema.js';
import { loadConfigFile, ConfigError } from '../../config/load.js';
import { ConfigDirectory } from '../../directory/config-directory.js';
import type { TraceEvent } from '../../engine/trace.js';
import { simScenario, type SimScenario } from '../../sim/sim-scenario.js';
import { simulateCall } from '../../sim/simulate.js';
import { action, collectVariable, parseInstant, readJsonFile, readSchemaFile, UsageError } from '../input.js';
import { openTraceCdrStore } from '../trace-cdr.js';
import { formatTraceEvent } from '../trace-format.js';

interface TraceOptions {
  var: Record<string, string>;
  scenario?: string;
  now?: string;
  json?: boolean;
  cdr?: string;
  config?: string;
}

/** `callrouter trace <schema>`: what the schema would do to a call, step by step, in simulated time. */
export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description('run a schema on a simulated call and print each step')
    .argument('<schema>', 'schema file (JSON array of applications)')
    .option('--var <name=value>', 'channel variable of the call (repeatable)', collectVariable, {})
    .option('--scenario <file>', 'JSON scenario: phone states, bridge outcomes, digits, caller patience')
    .option('--now <iso>', 'the time the call starts, e.g. 2026-11-24T12:00:00Z')
    .option('--cdr <file>', 'CDRs (NDJSON or JSON) to search, loaded into a temporary store')
    .option('--config <file>', 'configuration whose domains and users the trace uses')
    .option('--json', 'one JSON object per line')
    .action(action((schemaPath: string, options: TraceOptions) => trace(schemaPath, options)));
}

async function trace(schemaPath: string, options: TraceOptions): Promise<void> {
  const schema = await readSchemaFile(schemaPath);
  const fromFile = options.scenario ? await readJsonFile(options.scenario, simScenario) : simScenario.parse({});
  const scenario: SimScenario = { ...fromFile, variables: { ...fromFile.variables, ...options.var } };
  const now = options.now ? parseInstant(options.now, '--now') : undefined;
  const config = await traceConfig(options.config, scenario);
  const directory = new ConfigDirectory(config.domains);
  const domain = directory.domain(scenario.variables.domain_name ?? '') ?? config.domains[0];
  const cdr = await openTraceCdrStore(options.cdr, domain?.timeZone ?? 'UTC');
  const print = options.json
    ? (event: TraceEvent) => console.log(JSON.stringify(event))
    : (event: TraceEvent) => console.log(formatTraceEvent(event));
  const routes = options.config && 'sip' in config ? await routeLookupOf(config as Config, options.config) : undefined;
  try {
    await simulateCall({ schema, scenario, directory, cdr, logger: pino({ level: 'silent' }), now, trace: print, acr: acrServicesFor(config.domains), routes });
  } finally {
    await cdr.close();
  }
}

/** `goto default:/public:` in a trace goes through the configuration's route tables. */
async function routeLookupOf(config: Config, configPath: string): Promise<RouteLookup> {
  try {
    return transferLookup(RouteTable.build(config, await loadRouteSchemas(config, dirname(configPath))));
  } catch (error) {
    if (error instanceof RouteSchemaError) throw new UsageError(`${configPath}: invalid route schemas`, error.problems);
    throw error;
  }
}

/** The configured domains, or one domain holding the users the scenario gives phone states. */
async function traceConfig(configPath: string | undefined, scenario: SimScenario): Promise<Pick<Config, 'domains'>> {
  if (configPath) {
    try {
      return await loadConfigFile(configPath);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`${error.file}: invalid configuration`, error.problems);
      throw error;
    }
  }
  const name = scenario.variables.domain_name || 'example.com';
  const users = Object.keys(scenario.phones).map((id) => ({ id, password: 'trace' }));
  return { domains: [domainConfig.parse({ name, users })] };
}
