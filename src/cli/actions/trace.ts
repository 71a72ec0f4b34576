import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pino from 'pino';
import { appRegistry } from '../../apps/registry.js';
import { acrServicesFor } from '../../apps/services/acr-services.js';
import { mediaLoadContext } from '../../apps/play-items.js';
import { tonePrompts } from '../../apps/services/spoken-prompts.js';
import { MemoryVoicemailStore } from '../../voicemail/memory-store.js';
import type { CallOrigin } from '../../call/origin.js';
import { parseUserRef } from '../../directory/user-ref.js';
import { SchemaLoader } from '../../engine/compile.js';
import { formatRouteSchemaWarning, loadRouteSchemas, RouteSchemaError, routeSchemaWarnings } from '../../routes/route-schemas.js';
import { RouteTable } from '../../routes/route-table.js';
import type { Config } from '../../config/schema.js';
import { domainConfig } from '../../config/schema.js';
import { resolveDataDir, resolveMediaDir } from '../../config/load.js';
import type { StoredDomains } from '../../config/store/config-store.js';
import { CONFIG_DATABASE_FILE, SqliteConfigStore } from '../../config/store/sqlite-config-store.js';
import { ConfigDirectory } from '../../directory/config-directory.js';
import { formatSchemaError } from '../../engine/schema-error.js';
import type { TraceEvent } from '../../engine/trace.js';
import { simScenario, type SimScenario } from '../../sim/sim-scenario.js';
import { simulateCall, type Simulation } from '../../sim/simulate.js';
import { parseInstant } from '../arguments.js';
import { UsageError } from '../failure.js';
import { readConfig, readJsonFile, readSchemaFile } from '../input.js';
import { domainCountries } from '../../cdr/sqlite/customer-numbers.js';
import { openTraceCdrStore } from '../trace-cdr.js';
import { formatTraceEvent } from '../trace-format.js';

export interface TraceOptions {
  var: Record<string, string>;
  scenario?: string;
  now?: string;
  json?: boolean;
  cdr?: string;
  config?: string;
  from: string;
}

export async function trace(schemaPath: string | undefined, options: TraceOptions): Promise<void> {
  if (!schemaPath && !options.config) throw new UsageError('a schema file is needed, or --config to take the route\'s');
  const schema = schemaPath ? await readSchemaFile(schemaPath) : undefined;
  const fromFile = options.scenario ? await readJsonFile(options.scenario, simScenario) : simScenario.parse({});
  const scenario: SimScenario = { ...fromFile, variables: { ...fromFile.variables, ...options.var } };
  const now = options.now ? parseInstant(options.now, '--now') : undefined;
  const configured = options.config ? await readRunningConfig(options.config) : undefined;
  const config = configured ?? traceConfig(scenario);
  const directory = new ConfigDirectory(config.domains);
  const routed = configured && options.config ? await routingOf(options.config, configured, options.from) : undefined;
  const routing = routed?.routing;
  // On stderr, so that --json output stays one trace event a line: what loads but is not carried out, of the schema that runs.
  const warnings = schema ? schema.warnings.map(formatSchemaError) : (routed?.warnings ?? []);
  for (const warning of warnings) console.error(`warning: ${warning}`);
  const domain = directory.domain(scenario.variables.domain_name ?? '') ?? config.domains[0];
  const cdr = await openTraceCdrStore(options.cdr, domain?.timeZone ?? 'UTC', domainCountries(config.domains));
  const print = options.json
    ? (event: TraceEvent) => console.log(JSON.stringify(event))
    : (event: TraceEvent) => console.log(formatTraceEvent(event));
  try {
    // Trace reads the media folder (prompt lengths) and writes nothing: mailboxes in memory, prompts as tones.
    const acr = acrServicesFor(config.domains, { voicemail: new MemoryVoicemailStore(), prompts: tonePrompts, mediaDir: configured && options.config ? resolveMediaDir(options.config, configured) : undefined });
    const schemas = new SchemaLoader(appRegistry);
    await simulateCall({ schema, scenario, directory, cdr, logger: pino({ level: 'silent' }), now, trace: print, routing, acr, schemas });
  } finally {
    await cdr.close();
  }
}

/** The configuration as the router runs it: with `configSource: "store"`, the domains of the store's latest revision once there is one. */
async function readRunningConfig(configPath: string): Promise<Config> {
  const config = await readConfig(configPath);
  const stored = config.configSource === 'store' ? await storedDomains(resolveDataDir(configPath, config)) : undefined;
  return stored ? { ...config, domains: [...stored] } : config;
}

/** The configuration's routes, who the call comes from, and the warnings of the routes' schemas. */
async function routingOf(configPath: string, config: Config, from: string): Promise<{ routing: Simulation['routing']; warnings: string[] }> {
  let schemas;
  try {
    schemas = await loadRouteSchemas(config, dirname(resolve(configPath)), new SchemaLoader(appRegistry), mediaLoadContext(resolveMediaDir(configPath, config)));
  } catch (error) {
    if (error instanceof RouteSchemaError) throw new UsageError(`${configPath}: invalid route schemas`, error.problems);
    throw error;
  }
  return { routing: { routes: RouteTable.build(config, schemas), origin: originOf(from, config) }, warnings: routeSchemaWarnings(schemas).map(formatRouteSchemaWarning) };
}

/** `gateway`, `anonymous`, `101@example.com`, or `101` (a user of the first domain). */
function originOf(from: string, config: Config): CallOrigin {
  if (from === 'gateway') return { kind: 'gateway', domain: config.domains[0].name, gateway: '(trace)' };
  if (from === 'anonymous') return { kind: 'anonymous' };
  const { id, domain } = parseUserRef(from, config.domains[0].name);
  if (!config.domains.some((configured) => configured.name === domain && configured.users.some((user) => user.id === id))) {
    throw new UsageError(`--from ${from}: expected gateway, anonymous or a configured user such as 101@${config.domains[0].name}`);
  }
  return { kind: 'user', domain, userId: id };
}

/** Without a configuration: one domain holding the users the scenario gives phone states. */
function traceConfig(scenario: SimScenario): Pick<Config, 'domains'> {
  const name = scenario.variables.domain_name || 'example.com';
  const users = Object.keys(scenario.phones).map((id) => ({ id, password: 'trace' }));
  return { domains: [domainConfig.parse({ name, users, ...(scenario.country && { country: scenario.country }) })] };
}

async function storedDomains(dataDir: string): Promise<StoredDomains | undefined> {
  if (!existsSync(join(dataDir, CONFIG_DATABASE_FILE))) return undefined;
  const store = SqliteConfigStore.openInDataDir(dataDir);
  try {
    return (await store.latest())?.domains;
  } finally {
    await store.close();
  }
}
