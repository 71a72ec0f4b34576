/**
 * The Elasticsearch-compatible HTTP API of the CDR store, as a fastify
 * plugin so `callrouter cdr serve` and the router's own HTTP port can mount
 * it: cluster info, search (with scrolls and points in time), documents,
 * `_bulk`, `_delete_by_query`, the mapping, plus `/cdr/freeswitch` for
 * mod_json_cdr. It answers as Elasticsearch does on the wire, errors
 * included. Every request goes to the CdrService, which decides where and
 * how long it runs (the router's runs on worker threads with deadlines).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CdrQueryError, type CdrService, type SearchOptions } from '../store.js';
import { registerByQueryRoutes } from './by-query-routes.js';
import { registerCatRoutes } from './cat-routes.js';
import { registerClusterRoutes } from './cluster-routes.js';
import { registerClusterStateRoute } from './cluster-state-route.js';
import { registerDiscoveryRoutes, type RequestIdentity } from './discovery-routes.js';
import { CursorRegistry, type SnapshotSource } from './cursors.js';
import { registerDocumentRoutes } from './document-routes.js';
import { registerFieldsRoutes } from './fields-routes.js';
import { registerFreeswitchRoute } from './freeswitch-route.js';
import { createSearcher } from './searcher.js';
import { registerPutMappingRoute } from './put-mapping.js';
import { registerQueryCheckRoutes } from './query-check-routes.js';
import { registerSearchRoutes } from './search-routes.js';
import { registerStatsRoutes } from './stats-routes.js';
import { CompletedTasks, registerTaskRoutes } from './tasks.js';
import { registerTemplateRoutes } from './templates-routes.js';
import { registerTermsEnumRoute } from './terms-enum-route.js';
import { registerWire } from './wire.js';

/** What the API needs of the store: searches, per-item writes (index, create, update, delete), bulk bodies, deletes by query and the mapping. */
export type CdrHttpStore = Pick<CdrService, 'search' | 'count' | 'write' | 'bulk' | 'bulkJson' | 'deleteByQuery' | 'mappedFields'> &
  /** Without them, scrolls and points in time page over live data. */
  Partial<SnapshotSource>;

export interface CdrHttpOptions {
  store: CdrHttpStore;
  /** Honour `X-Now: <ISO time>` as "now" (tests and traces only). */
  testClock?: boolean;
  /** Zone of FreeSWITCH's local-time stamps for a domain. Default UTC. */
  timeZoneOf?: (domain: string | undefined) => string;
  /** The one domain a request may search, when its credentials are confined to one (src/admin). */
  domainOf?: (request: FastifyRequest) => string | undefined;
  /** Who the request's credentials name, for `_security/_authenticate` (src/admin). */
  identityOf?: (request: FastifyRequest) => RequestIdentity | undefined;
  /** The server holds this API alone (`cdr serve`): an unknown path of any shape is answered as Elasticsearch answers it. */
  soleApi?: boolean;
  /** The store's SQLite file, whose size `_stats` reports. */
  storeFile?: string;
}

export async function cdrHttpPlugin(app: FastifyInstance, options: CdrHttpOptions): Promise<void> {
  const { store } = options;
  registerWire(app, { everyPath: options.soleApi });

  const clientGone = new WeakMap<FastifyRequest, AbortSignal>();
  app.addHook('onRequest', async (request, reply) => {
    clientGone.set(request, abortedWhenClientLeaves(reply));
  });

  const searchOptions = (request: FastifyRequest): SearchOptions => {
    const domain = options.domainOf?.(request);
    const signal = clientGone.get(request);
    const header = request.headers['x-now'];
    if (!options.testClock || typeof header !== 'string') return { domain, signal };
    const now = new Date(header);
    if (Number.isNaN(now.getTime())) throw new CdrQueryError('illegal_argument_exception', `X-Now must be an ISO time, got [${header}]`);
    return { now, domain, signal };
  };
  const searcher = createSearcher(store, searchOptions);

  const mapping = { mappedFields: () => store.mappedFields() };
  registerClusterRoutes(app, mapping);
  registerClusterStateRoute(app, mapping);
  registerPutMappingRoute(app, mapping);
  registerFieldsRoutes(app, mapping, searcher);
  registerCatRoutes(app, searcher, options.storeFile);
  registerStatsRoutes(app, { searcher, storeFile: options.storeFile });
  registerDiscoveryRoutes(app, options.identityOf);
  registerTemplateRoutes(app);
  const snapshots: SnapshotSource | undefined =
    store.openSnapshot && store.closeSnapshot ? { openSnapshot: store.openSnapshot.bind(store), closeSnapshot: store.closeSnapshot.bind(store) } : undefined;
  const scrolls = new CursorRegistry('scroll', snapshots);
  const pits = new CursorRegistry('pit', snapshots);
  app.addHook('onClose', async () => {
    scrolls.closeAll();
    pits.closeAll();
  });
  registerSearchRoutes(app, { searcher, scrolls, pits });
  const tasks = new CompletedTasks();
  registerByQueryRoutes(app, searcher, tasks);
  registerTaskRoutes(app, tasks);
  registerQueryCheckRoutes(app, searcher);
  registerTermsEnumRoute(app, searcher);
  registerDocumentRoutes(app, { store, searcher });
  registerFreeswitchRoute(app, { store, timeZoneOf: options.timeZoneOf ?? (() => 'UTC') });
}

/** Aborted when the client closes the connection before its answer is sent: its request need not run on. */
function abortedWhenClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
