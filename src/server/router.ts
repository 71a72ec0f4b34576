import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { requestDomainScope, requestIdentity } from '../admin/auth-plugin.js';
import { adminApiPlugin, API_PREFIX } from '../admin/api/plugin.js';
import { ReportingPhoneState } from '../admin/api/live-events.js';
import { consolePlugin } from '../admin/console-plugin.js';
import { TokenStore } from '../admin/token-store.js';
import { AccountStore } from '../admin/account-store.js';
import { SignInThrottle, type SignInLimits } from '../admin/sign-in-throttle.js';
import { cdrHttpPlugin } from '../cdr/http/plugin.js';
import { SqliteCdrWorkers } from '../cdr/sqlite/cdr-workers.js';
import { domainCountries } from '../cdr/sqlite/customer-numbers.js';
import { systemClock, type Clock } from '../clock.js';
import { ConfigError } from '../config/file.js';
import { loadConfigFile, resolveDataDir, resolveMediaDir } from '../config/load.js';
import { CDR_DATABASE_FILE, PROMPTS_DIR, RECORDINGS_DIR, STATE_DATABASE_FILE, VOICEMAIL_DIR } from './data-dir.js';
import { mediaLoadContext } from '../apps/play-items.js';
import type { Config } from '../config/schema.js';
import { ConfigDirectory } from '../directory/config-directory.js';
import { createHttpServer, createMetricsRegistry } from '../http/server.js';
import { usersHttpPlugin } from '../http/users.js';
import { voicemailHttpPlugin } from '../http/voicemail.js';
import { appRegistry } from '../apps/registry.js';
import { acrServicesFor } from '../apps/services/acr-services.js';
import { SchemaLoader } from '../engine/compile.js';
import { loadRouteSchemas, routeSchemaWarnings } from '../routes/route-schemas.js';
import { Configuration } from '../config/store/configuration.js';
import { CONFIG_DATABASE_FILE, SqliteConfigStore } from '../config/store/sqlite-config-store.js';
import { domainsFromFile } from '../config/store/stored-domains.js';
import { LiveGateways } from './live-gateways.js';
import type { RouteSchemas } from '../routes/route-schemas.js';
import { RouteTable } from '../routes/route-table.js';
import { LegCdrWriter } from '../cdr/leg-cdr-writer.js';
import { CallTraceRecorder } from '../cdr/call-trace-recorder.js';
import { SqliteCdrWriterWorker } from '../cdr/sqlite/cdr-writer-client.js';
import { SipServer } from '../sip/server.js';
import { readTlsCredentials, type TlsCredentials } from '../sip/transport/index.js';
import type { TlsSettings } from '../sip/transport/settings.js';
import { EmbeddedMediaEngine } from '../media/engine/embedded-engine.js';
import { SpokenPrompts } from '../apps/services/spoken-prompts.js';
import { FileVoicemailStore } from '../voicemail/file-store.js';
import { mailboxCounts } from '../voicemail/store.js';
import type { MediaEngine } from '../media/media-engine.js';
import { openStateDatabase } from '../state-database.js';
import { createCallRunner, type CallTraceSink } from './call-runner.js';
import { recordCrashedLegs, SqliteCallJournal } from './call-journal.js';
import { registerCdrMetrics } from './cdr-metrics.js';
import { registerLastAgentMetrics } from './last-agent-metrics.js';
import { registerMediaMetrics } from './media-metrics.js';
import { createSipMetrics } from './sip-metrics.js';

export interface RunningRouter {
  /** The configuration file as loaded; its domains are the store's first revision (or, with configSource "file", the running ones). */
  config: Config;
  /** Where CDRs and API tokens are stored. */
  dataDir: string;
  directory: ConfigDirectory;
  /** The running configuration (`current`) and the one way to change it; changes apply to new calls at once. */
  configuration: Configuration;
  /** Which route runs a new call: `selectPublic` for calls from outside, `selectFromUser` for a user's. */
  readonly routes: RouteTable;
  /** SIGHUP: reads the configuration file's domains again when the router runs from its file, else the store's latest revision (a `config import` by another process). */
  reloadFile(): Promise<void>;
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

/** A call's trace events held while its flow runs (the engine stops a flow after 1,000 steps); their bytes are capped when stored. */
const MAX_TRACE_EVENTS_IN_MEMORY = 2_000;

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
  /** Failed sign-ins allowed per username and per address before they are refused for a while. */
  signIn?: SignInLimits;
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
  // The file's own schema problems first, named with the files they are in (wav prompts checked against the media folder).
  await loadRouteSchemas(config, configDir, schemas, mediaLoadContext(mediaDir));
  const phoneState = new ReportingPhoneState();
  const metrics = createMetricsRegistry();
  const voicemail = new FileVoicemailStore(join(dataDir, VOICEMAIL_DIR));
  const prompts = new SpokenPrompts(join(dataDir, PROMPTS_DIR), (message) => logger.warn({ component: 'media' }, message));
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const configStore = SqliteConfigStore.openInDataDir(dataDir);
    cleanups.push(() => configStore.close());
    const fromFile = config.configSource === 'file';
    const readFileDomains = async () => domainsFromFile((await loadConfigFile(configPath)).domains, configDir);
    const { configuration, imported, fileDiffers } = await Configuration.open({
      store: configStore,
      loader: schemas,
      fileDomains: await domainsFromFile(config.domains, configDir),
      fromFile,
      contextOf: mediaLoadContext(mediaDir),
    });
    let running = configuration.current;
    logger.info(
      { revision: running.revision, source: fromFile ? configPath : join(dataDir, CONFIG_DATABASE_FILE) },
      imported ? 'configuration imported from the file into the store' : 'configuration loaded',
    );
    if (fileDiffers) {
      logger.warn(
        { revision: running.revision, file: configPath },
        `the configuration file's domains differ from the store's, which the router runs: to run the file's, callrouter config import --config ${configPath} (then SIGHUP)`,
      );
    }
    // What the schemas load with but is not carried out (arguments Webitel ignores, applications skipped), each once per schema.
    const logSchemaWarnings = (schemas: RouteSchemas) => {
      for (const { routes, path, message } of routeSchemaWarnings(schemas)) logger.warn({ routes, path }, `route schema: ${message}`);
    };
    logSchemaWarnings(running.routeSchemas);
    let routes = RouteTable.build(running, running.routeSchemas);
    const directory = new ConfigDirectory(running.domains, phoneState);
    // The other calls in progress (hangup/bridge by uuid, park, pickup, originate) are the SIP server's, made below.
    const acr = acrServicesFor(
      running.domains,
      { voicemail, prompts, mediaDir },
      {
        find: (uuid) => sipServer.switchboard.find(uuid),
        connect: (a, b) => sipServer.switchboard.connect(a, b),
        originate: (from, request) => sipServer.switchboard.originate(from, request),
      },
    );
    const cdrOptions = { path: join(dataDir, CDR_DATABASE_FILE), retentionDays: config.cdr.retentionDays, flushEachWrite: config.cdr.flushEachWrite, countries: domainCountries(running.domains) };
    // Searches, client writes and deletes run on worker threads, each with a deadline; the request worker also purges
    // expired CDRs by the system clock (a simulated clock cannot cross threads; calls pass their "now" with each lookup).
    const cdrStore = new SqliteCdrWorkers({
      ...cdrOptions,
      limits: config.cdr.limits,
      maxTimeMs: config.cdr.search.maxTimeMs,
      callTimeoutMs: config.cdr.search.callTimeoutMs,
    });
    cleanups.push(() => cdrStore.close());
    // Routes that search CDRs (`cdr`, `lastAgent`) have the lookup thread ready before their first call.
    const readyLookups = (schemas: RouteSchemas) => {
      if ([...schemas.values()].some((schema) => schema.searchesCdrs)) cdrStore.warmCalls();
    };
    readyLookups(running.routeSchemas);
    const timeZoneOf = (domain: string | undefined) => directory.domain(domain ?? '')?.timeZone ?? 'UTC';
    // Legs' CDRs are built and inserted on a worker thread of their own, off the SIP event loop.
    const sink = new SqliteCdrWriterWorker({
      path: cdrOptions.path,
      flushEachWrite: cdrOptions.flushEachWrite,
      countries: cdrOptions.countries,
      callTraceMaxBytes: config.cdr.callTraces.maxBytes,
    });
    sink.warm();
    const state = openStateDatabase(join(dataDir, STATE_DATABASE_FILE));
    cleanups.push(async () => void state.close());
    // Closed after the CDR writer has flushed: the legs whose CDRs it wrote last are let go in its last commit.
    const journal = new SqliteCallJournal(state, logger.child({ component: 'call-journal' }));
    cleanups.push(async () => journal.close());
    // A leg stays in the journal of calls in progress until its CDR is durable: a crash in between leaves it to be written at the next start.
    const cdrWriter = new LegCdrWriter({ sink, timeZoneOf, logger: logger.child({ component: 'cdr' }), onSettled: (uuids) => journal.remove(uuids) });
    // Before the store closes: flushes, then ends the worker.
    cleanups.push(() => cdrWriter.close());
    registerCdrMetrics(metrics, cdrWriter);
    registerLastAgentMetrics(metrics, acr, running.domains.map((domain) => domain.name));
    // Each call's trace goes beside its CDRs, through the same worker thread.
    const traceSettings = config.cdr.callTraces;
    const traces = traceSettings.keep
      ? new CallTraceRecorder({ sink, maxEvents: MAX_TRACE_EVENTS_IN_MEMORY, now: () => clock.now(), logger: logger.child({ component: 'call-trace' }) })
      : undefined;
    // After SIP has stopped, before the writer's thread ends.
    cleanups.push(async () => traces?.flush());
    const traceSink: CallTraceSink | undefined =
      traces || options.trace
        ? (call, event) => {
            traces?.add(call.uuid, event);
            options.trace?.(call, event);
          }
        : undefined;

    await recordCrashedLegs(journal, cdrWriter, logger.child({ component: 'call-journal' }));

    const gateways = await LiveGateways.resolve(running.domains, logger, clock);
    const observer = createSipMetrics(metrics, {
      registeredContacts: () => sipServer.registeredContacts,
      subscriptions: () => sipServer.subscriptions,
      activeCalls: () => sipServer.activeCalls,
      callsInSetup: () => sipServer.callsInSetup,
      tcpConnections: () => sipServer.tcpConnections,
      receiveQueueDelayMs: () => sipServer.receiveQueueDelayMs,
      refusedTcpConnections: () => sipServer.refusedTcpConnections,
      activeAuthBlocks: () => sipServer.activeAuthBlocks(),
    });
    // Routers whose schemas never play anything run no media thread.
    let mediaEngine: EmbeddedMediaEngine | undefined;
    const media = (): MediaEngine => {
      mediaEngine ??= new EmbeddedMediaEngine(config.media, {
        warn: (message) => logger.warn({ component: 'media' }, message),
        error: (message) => logger.error({ component: 'media' }, message),
      });
      return mediaEngine;
    };
    registerMediaMetrics(metrics, async () => mediaEngine?.health());
    // Routes that use our media have its thread started with them: its start-up would hold back the first call's prompt or ringback.
    const readyMedia = (schemas: RouteSchemas) => {
      if ([...schemas.values()].some((schema) => schema.usesMedia)) media();
    };
    readyMedia(running.routeSchemas);
    // After SIP has stopped: calls still up have been hung up and their sessions closed.
    cleanups.push(async () => mediaEngine?.close());
    const sipServer = new SipServer({
      sip: config.sip,
      tlsCredentials: config.sip.tls && (await sipTlsCredentials(configPath, config.sip.tls)),
      directory,
      logger: logger.child({ component: 'sip' }),
      observer,
      clock,
      state,
      mailboxes: { summary: (domain, user) => mailboxCounts(voicemail, domain, user), onChange: (listener) => voicemail.onChange(listener) },
      calls: {
        gateways,
        recordLeg: (leg) => cdrWriter.record(leg),
        journal,
        variableLimits: config.calls.variables,
        onCall: createCallRunner({
          routes: () => routes,
          directory,
          cdr: cdrStore.calls,
          clock,
          trace: traceSink,
          traceLifecycle: traces && {
            begin: (call) => traces.begin(call.uuid, () => call.getVariable('domain_name') ?? ''),
            complete: (call) => traces.finish(call.uuid),
          },
          logger: logger.child({ component: 'call' }),
          acr,
          schemas,
        }),
        media,
        recordingsDir: join(dataDir, RECORDINGS_DIR),
        backlogs: [{ name: 'CDR lookups', oldestWaitMs: () => cdrStore.callLookupsWaitMs() }],
      },
    });
    await sipServer.start();
    cleanups.push(() => sipServer.stop());
    gateways.startRegistrations(sipServer);
    cleanups.push(() => gateways.stop());
    // New calls take the new routes; a call keeps the route table it started with.
    configuration.onChange(async (next) => {
      running = next;
      routes = RouteTable.build(next, next.routeSchemas);
      logSchemaWarnings(next.routeSchemas);
      readyLookups(next.routeSchemas);
      readyMedia(next.routeSchemas);
      const countries = domainCountries(next.domains);
      if (JSON.stringify(countries) !== JSON.stringify(cdrOptions.countries)) {
        cdrOptions.countries = countries;
        sink.setCountries(countries);
        await cdrStore.setCountries(countries);
      }
      acr.configure(next.domains);
      for (const user of directory.replace(next.domains)) {
        sipServer.removeSubscriptions(user.domain, user.id);
        const dropped = sipServer.removeRegistrations(user.domain, user.id);
        if (dropped > 0) logger.info({ domain: user.domain, user: user.id, registrations: dropped }, 'user deleted: registrations dropped');
      }
      await gateways.replace(next.domains);
      logger.info({ revision: next.revision, routes: next.routeSchemas.size }, 'configuration applied');
    });

    const tokens = TokenStore.openInDataDir(dataDir);
    cleanups.push(async () => tokens.close());
    const accounts = AccountStore.openInDataDir(dataDir);
    cleanups.push(async () => accounts.close());
    if (!tokens.hasLiveTokens() && accounts.list().length === 0) {
      logger.warn(
        { dataDir },
        `no API tokens or admin accounts: every HTTP route but /health and /metrics answers 401; create one with: callrouter token create --config ${configPath} --role admin --name <who> (or callrouter admin create)`,
      );
    }
    const tls = config.http.tls && { cert: await readPem(configPath, 'cert', config.http.tls.cert), key: await readPem(configPath, 'key', config.http.tls.key) };
    const http = await createHttpServer({
      tls,
      logger,
      metrics,
      tokens,
      sessions: accounts,
      health: () => ({
        domains: running.domains.map((domain) => domain.name),
        configRevision: running.revision,
        sip: { udp: sipServer.localAddress('udp'), tcp: sipServer.localAddress('tcp'), tls: sipServer.localAddress('tls'), registeredContacts: sipServer.registeredContacts },
        calls: { inProgress: sipServer.activeCalls, inSetup: sipServer.callsInSetup },
        gatewayRegistrations: gateways.statuses(),
      }),
      plugins: [
        (app) => usersHttpPlugin(app, { directory, contactsOf: (domain, user) => sipServer.contacts(domain, user).length }),
        (app) => voicemailHttpPlugin(app, { directory, voicemail }),
        (app) =>
          cdrHttpPlugin(app, { store: cdrStore, timeZoneOf, domainOf: requestDomainScope, identityOf: requestIdentity, storeFile: cdrOptions.path }),
        async (app) => {
          await app.register(adminApiPlugin, {
            prefix: API_PREFIX,
            phones: { directory, contactsOf: (domain, user) => sipServer.contacts(domain, user) },
            calls: sipServer.liveCalls,
            events: { phoneState, calls: sipServer.liveCalls, configuration, appEvents: acr.hookEvents },
            cdr: cdrStore,
            traces: { current: (uuid) => traces?.current(uuid), stored: (uuid, lookup) => cdrStore.callTrace(uuid, lookup) },
            domains: () => running.domains,
            configuration,
            accounts: { store: accounts, throttle: new SignInThrottle(options.signIn) },
            voicemail: { directory, voicemail, recordingsDir: join(dataDir, RECORDINGS_DIR) },
          });
        },
        consolePlugin,
      ],
    });
    cleanups.push(() => http.close());
    await http.listen({ host: config.http.address, port: config.http.port });
    const address = http.server.address() as AddressInfo;
    logger.info({ http: `${address.address}:${address.port}`, https: tls !== undefined, dataDir, routes: running.routeSchemas.size }, 'callrouter started');

    return {
      config,
      dataDir,
      directory,
      configuration,
      get routes() {
        return routes;
      },
      async reloadFile() {
        if (!fromFile) {
          const before = running.revision;
          const now = await configuration.refresh();
          logger.info({ revision: now.revision, before }, 'SIGHUP: configuration store read again (the file is not: configSource "store")');
          return;
        }
        const invalid = (problems: string[]) => logger.error({ problems }, 'SIGHUP: the file does not validate; the running configuration stays');
        try {
          const result = await configuration.reloadFile(await readFileDomains());
          if (!result.ok) invalid(result.issues.map((issue) => `${issue.path}: ${issue.message}`));
          else logger.info({ revision: result.configuration.revision }, 'SIGHUP: configuration file read again');
        } catch (error) {
          if (error instanceof ConfigError) invalid(error.problems);
          else logger.error({ err: error }, 'SIGHUP: the configuration file could not be read; the running configuration stays');
        }
      },
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

/** `sip.tls`'s files, read and checked; a problem with them is a configuration error. */
async function sipTlsCredentials(configPath: string, settings: TlsSettings): Promise<TlsCredentials> {
  const read = await readTlsCredentials(settings, dirname(resolve(configPath)));
  if (!read.ok) throw new ConfigError(configPath, read.problems);
  return read.credentials;
}

/** A certificate or key file of `http.tls`, relative to the configuration's folder; a file that cannot be read is a configuration error. */
async function readPem(configPath: string, setting: 'cert' | 'key', file: string): Promise<Buffer> {
  const path = resolve(dirname(resolve(configPath)), file);
  try {
    return await readFile(path);
  } catch (error) {
    throw new ConfigError(configPath, [`http.tls.${setting}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
}
