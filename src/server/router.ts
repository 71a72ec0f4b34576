import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { requestDomainScope } from '../admin/auth-plugin.js';
import { adminApiPlugin, API_PREFIX } from '../admin/api/plugin.js';
import { ReportingPhoneState } from '../admin/api/live-events.js';
import { consolePlugin } from '../admin/console-plugin.js';
import { TokenStore } from '../admin/token-store.js';
import { cdrHttpPlugin } from '../cdr/http/plugin.js';
import { SqliteCdrWorkers } from '../cdr/sqlite/cdr-workers.js';
import { domainCountries } from '../cdr/sqlite/customer-numbers.js';
import { systemClock, type Clock } from '../clock.js';
import { loadConfigFile, resolveDataDir, resolveMediaDir } from '../config/load.js';
import { mediaLoadContext } from '../apps/play-items.js';
import type { Config } from '../config/schema.js';
import { ConfigDirectory } from '../directory/config-directory.js';
import { createHttpServer, createMetricsRegistry } from '../http/server.js';
import { usersHttpPlugin } from '../http/users.js';
import { voicemailHttpPlugin } from '../http/voicemail.js';
import { appRegistry } from '../apps/registry.js';
import { acrServicesFor } from '../apps/services/acr-services.js';
import { SchemaLoader } from '../engine/compile.js';
import { loadRouteSchemas, type RouteSchemas } from '../routes/route-schemas.js';
import { RouteTable } from '../routes/route-table.js';
import { LegCdrWriter } from '../cdr/leg-cdr-writer.js';
import { SqliteCdrWriterWorker } from '../cdr/sqlite/cdr-writer-client.js';
import type { GatewayDirectory } from '../sip/b2bua/bridge-targets.js';
import { GatewayAddresses } from '../sip/gateway/gateway-addresses.js';
import { GatewayRegistrations } from '../sip/gateway/gateway-registrations.js';
import { SipServer } from '../sip/server.js';
import { EmbeddedMediaEngine } from '../media/engine/embedded-engine.js';
import { SpokenPrompts } from '../apps/services/spoken-prompts.js';
import { FileVoicemailStore } from '../voicemail/file-store.js';
import type { MediaEngine } from '../media/media-engine.js';
import { settledWithin } from '../settled-within.js';
import { openStateDatabase } from '../state-database.js';
import { createCallRunner, type CallTraceSink } from './call-runner.js';
import { recordCrashedLegs, SqliteCallJournal } from './call-journal.js';
import { registerCdrMetrics } from './cdr-metrics.js';
import { registerLastAgentMetrics } from './last-agent-metrics.js';
import { createSipMetrics } from './sip-metrics.js';

export interface RunningRouter {
  config: Config;
  /** Where CDRs and API tokens are stored. */
  dataDir: string;
  directory: ConfigDirectory;
  routeSchemas: RouteSchemas;
  /** Which route runs a new call: `selectPublic` for calls from outside, `selectFromUser` for a user's. */
  routes: RouteTable;
  /** The CDR store: every request on a worker thread, with a deadline. */
  cdrStore: SqliteCdrWorkers;
  sip: SipServer;
  /** Where the HTTP port listens (the real port when 0 was configured). */
  http: { address: string; port: number };
  /** Each finished call leg's CDR goes through it. */
  cdrWriter: LegCdrWriter;
  /** Graceful, in reverse order of start: HTTP, then SIP (new requests get 503; calls get the grace period, then BYE), then the CDRs are flushed and the store closed. */
  stop(): Promise<void>;
}

export const CDR_DATABASE_FILE = 'cdr.sqlite';
/** Under the data directory: `recordings/<domain>/<uuid>_<name>.wav`. */
export const RECORDINGS_DIR = 'recordings';
/** Under the data directory: `voicemail/<domain>/<user>/<id>.wav` and `.json`. */
export const VOICEMAIL_DIR = 'voicemail';
/** Under the data directory: the router's own prompts, spoken by espeak-ng when first needed. */
export const PROMPTS_DIR = 'prompts';
/** Registrations, authentication blocks and the journal of calls in progress. */
export const STATE_DATABASE_FILE = 'state.sqlite';
const UNREGISTER_WAIT_MS = 2_000;

/**
 * The composition root of `callrouter start`: configuration, directory, route
 * schemas, CDR store, SIP server and HTTP port. The logger may be made from
 * the configuration (its `log.level`). Everything is validated
 * before anything listens; whatever did start is stopped again when a later
 * part fails (a port in use, say).
 */
export interface RouterOptions {
  /** What calls time and CDRs stamp (tests run call timing on a simulated clock); the system clock by default. */
  clock?: Clock;
  /** Receives each call's trace (every application, its result and the variables it set), as `callrouter trace` prints it. */
  trace?: CallTraceSink;
}

export async function startRouter(
  configPath: string,
  loggerFor: Logger | ((config: Config) => Logger),
  options: RouterOptions = {},
): Promise<RunningRouter> {
  const clock = options.clock ?? systemClock;
  const config = await loadConfigFile(configPath);
  const logger = typeof loggerFor === 'function' ? loggerFor(config) : loggerFor;
  const configDir = dirname(resolve(configPath));
  const dataDir = resolveDataDir(configPath, config);
  await mkdir(dataDir, { recursive: true });
  const schemas = new SchemaLoader(appRegistry);
  const mediaDir = resolveMediaDir(configPath, config);
  const routeSchemas = await loadRouteSchemas(config, configDir, schemas, mediaLoadContext(mediaDir));
  const routes = RouteTable.build(config, routeSchemas);
  const phoneState = new ReportingPhoneState();
  const directory = new ConfigDirectory(config.domains, phoneState);
  const metrics = createMetricsRegistry();
  const voicemail = new FileVoicemailStore(join(dataDir, VOICEMAIL_DIR));
  const prompts = new SpokenPrompts(join(dataDir, PROMPTS_DIR), (message) => logger.warn({ component: 'media' }, message));
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const cdrOptions = {
      path: join(dataDir, CDR_DATABASE_FILE),
      retentionDays: config.cdr.retentionDays,
      flushEachWrite: config.cdr.flushEachWrite,
      countries: domainCountries(config.domains),
    };
    // Searches, client writes and deletes run on worker threads, each with a deadline; the request worker also purges
    // expired CDRs by the system clock (a simulated clock cannot cross threads; calls pass their "now" with each lookup).
    const cdrStore = new SqliteCdrWorkers({ ...cdrOptions, limits: config.cdr.limits, maxTimeMs: config.cdr.search.maxTimeMs, callTimeoutMs: config.cdr.search.callTimeoutMs });
    cleanups.push(() => cdrStore.close());
    const timeZones = new Map(config.domains.map((domain) => [domain.name, domain.timeZone]));
    // Legs' CDRs are built and inserted on a worker thread of their own, off the SIP event loop.
    const sink = new SqliteCdrWriterWorker({ path: cdrOptions.path, flushEachWrite: cdrOptions.flushEachWrite, countries: cdrOptions.countries });
    const cdrWriter = new LegCdrWriter({ sink, timeZoneOf: (domain) => timeZones.get(domain) ?? 'UTC', logger: logger.child({ component: 'cdr' }) });
    // Before the store closes: flushes, then ends the worker.
    cleanups.push(() => cdrWriter.close());
    registerCdrMetrics(metrics, cdrWriter);
    const acr = acrServicesFor(config.domains, { voicemail, prompts, mediaDir });
    registerLastAgentMetrics(metrics, acr, config.domains.map((domain) => domain.name));

    const state = openStateDatabase(join(dataDir, STATE_DATABASE_FILE));
    cleanups.push(async () => void state.close());
    const journal = new SqliteCallJournal(state, logger.child({ component: 'call-journal' }));
    cleanups.push(async () => journal.close());
    await recordCrashedLegs(journal, cdrWriter, logger.child({ component: 'call-journal' }));

    const gatewayAddresses = await GatewayAddresses.create(config.domains, logger.child({ component: 'gateways' }));
    cleanups.push(async () => gatewayAddresses.close());
    const observer = createSipMetrics(metrics, {
      registeredContacts: () => sipServer.registeredContacts,
      activeCalls: () => sipServer.activeCalls,
      callsInSetup: () => sipServer.callsInSetup,
    });
    // Started on the first call that needs our media: routers whose schemas never play anything run no media thread.
    let mediaEngine: EmbeddedMediaEngine | undefined;
    const media = (): MediaEngine => {
      mediaEngine ??= new EmbeddedMediaEngine(config.media, { warn: (message) => logger.warn({ component: 'media' }, message) });
      return mediaEngine;
    };
    // After SIP has stopped: calls still up have been hung up and their sessions closed.
    cleanups.push(async () => mediaEngine?.close());
    const sipServer = new SipServer({
      sip: config.sip,
      directory,
      logger: logger.child({ component: 'sip' }),
      observer,
      clock,
      state,
      calls: {
        gateways: gatewayDirectory(config, gatewayAddresses),
        recordLeg: (leg) => cdrWriter.record(leg),
        journal,
        variableLimits: config.calls.variables,
        onCall: createCallRunner({
          routes,
          directory,
          cdr: cdrStore.calls,
          clock,
          trace: options.trace,
          logger: logger.child({ component: 'call' }),
          acr,
          schemas,
        }),
        media,
        recordingsDir: join(dataDir, RECORDINGS_DIR),
      },
    });
    await sipServer.start();
    cleanups.push(() => sipServer.stop());
    const registrations = new GatewayRegistrations({
      domains: config.domains,
      outbound: sipServer.outboundRequests,
      destinationOf: (domain, gateway) => gatewayAddresses.destinationOf(domain, gateway),
      logger: logger.child({ component: 'gateway-registration' }),
      clock,
    });
    registrations.start();
    // A carrier that does not answer the unregistration must not hold the shutdown for a whole transaction timeout.
    cleanups.push(() => settledWithin(registrations.stop(), UNREGISTER_WAIT_MS));

    const tokens = TokenStore.openInDataDir(dataDir);
    cleanups.push(async () => tokens.close());
    if (!tokens.hasLiveTokens()) {
      logger.warn(
        { dataDir },
        `no API tokens: every HTTP route but /health and /metrics answers 401; create one with: callrouter token create --config ${configPath} --role admin --name <who>`,
      );
    }
    const http = await createHttpServer({
      logger,
      metrics,
      tokens,
      health: () => ({
        domains: config.domains.map((domain) => domain.name),
        sip: { udp: sipServer.localAddress('udp'), tcp: sipServer.localAddress('tcp'), registeredContacts: sipServer.registeredContacts },
        calls: { inProgress: sipServer.activeCalls, inSetup: sipServer.callsInSetup },
        gatewayRegistrations: registrations.statuses(),
      }),
      plugins: [
        (app) => usersHttpPlugin(app, { directory, contactsOf: (domain, user) => sipServer.contacts(domain, user).length }),
        (app) => voicemailHttpPlugin(app, { directory, voicemail }),
        (app) =>
          cdrHttpPlugin(app, { store: cdrStore, timeZoneOf: (domain) => timeZones.get(domain ?? '') ?? 'UTC', domainOf: requestDomainScope }),
        async (app) => {
          await app.register(adminApiPlugin, {
            prefix: API_PREFIX,
            phones: { directory, contactsOf: (domain, user) => sipServer.contacts(domain, user) },
            calls: sipServer.liveCalls,
            events: { phoneState, calls: sipServer.liveCalls },
            cdr: cdrStore,
            domains: config.domains,
            voicemail: { directory, voicemail, recordingsDir: join(dataDir, RECORDINGS_DIR) },
          });
        },
        consolePlugin,
      ],
    });
    cleanups.push(() => http.close());
    await http.listen({ host: config.http.address, port: config.http.port });
    const address = http.server.address() as AddressInfo;
    logger.info({ http: `${address.address}:${address.port}`, dataDir, routes: routeSchemas.size }, 'callrouter started');

    return {
      config,
      dataDir,
      directory,
      routeSchemas,
      routes,
      cdrStore,
      cdrWriter,
      sip: sipServer,
      http: { address: address.address, port: address.port },
      async stop() {
        await stopAll();
        logger.info('callrouter stopped');
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Gateways by name from the configuration, with the addresses their hosts resolved to. */
function gatewayDirectory(config: Config, addresses: GatewayAddresses): GatewayDirectory {
  const byName = new Map(config.domains.flatMap((domain) => domain.gateways.map((gateway) => [`${domain.name}/${gateway.name}`, gateway] as const)));
  return {
    find: (domain, name) => {
      const gateway = byName.get(`${domain}/${name}`);
      return gateway && { config: gateway, destination: addresses.destinationOf(domain, name) };
    },
    fromSource: (address) => addresses.gatewayOf(address),
  };
}
