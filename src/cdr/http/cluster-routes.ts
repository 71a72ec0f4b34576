/**
 * What clients ask before they search: cluster info (`GET`/`HEAD /`, with a
 * version the 7.x and 8.x clients accept), `_cluster/health`, the index
 * itself (created already: `indices.create` is told so; deleting it is
 * refused), its `_settings` and (no) `_alias`es, `_mapping` and `_refresh`
 * (field caps are fields-routes.ts, the `_cat` tables cat-routes.ts).
 * callrouter is one node holding one index, `cdr`, in one shard.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldType } from '../mapping.js';
import { INDEX_NAME } from '../query/execute.js';
import { mappingProperties } from '../query/mapping-view.js';
import { CdrQueryError } from '../store.js';
import { indexNotFound, isApiName, resolveIndices } from './indices.js';
import { booleanParam, checkParams } from './params.js';
import { noHandler } from './wire.js';

export interface ClusterInfo {
  mappedFields(): [string, FieldType][];
}

/** The Elasticsearch release whose API this answers like; 8.x clients and 7.14+ clients take it with the product header. */
export const COMPATIBLE_VERSION = '8.15.0';
export const CLUSTER_NAME = 'callrouter';
export const CLUSTER_UUID = 'callrouter-cdr';
export const INDEX_UUID = 'callrouter-cdr-index';
export const NODE_ID = 'callrouter-node';
export const NODE_ROLES = ['data', 'ingest', 'master'];
const SHARDS_DONE = { total: 1, successful: 1, failed: 0 };
export const INDEX_SETTINGS = { index: { number_of_shards: '1', number_of_replicas: '0', uuid: INDEX_UUID, provided_name: INDEX_NAME, version: { created: '8512000' } } };

type IndexParams = { Params: { index?: string } };

/** The one shard of `cdr`, started on this node, as routing tables and search shards describe it. */
export const SHARD_ROUTING = { state: 'STARTED', primary: true, node: NODE_ID, relocating_node: null, shard: 0, index: INDEX_NAME, allocation_id: { id: 'callrouter-cdr-shard-0' } };

/** Index-level APIs answer for `cdr` (and patterns that cover it); every other name is a missing index. */
export function checkIndex(index: string | undefined, ignoreUnavailable = false): boolean {
  if (index === undefined) return true;
  const target = resolveIndices(index, { ignoreUnavailable });
  if (target.kind === 'domain') {
    throw new CdrQueryError('illegal_argument_exception', `[${index}] names one domain's CDRs, which share the index [${INDEX_NAME}]: ask [${INDEX_NAME}] instead`);
  }
  return target.kind === 'all';
}

export function registerClusterRoutes(app: FastifyInstance, info: ClusterInfo): void {
  app.get('/', async (request) => {
    checkParams(request, []);
    return {
      name: CLUSTER_NAME,
      cluster_name: CLUSTER_NAME,
      cluster_uuid: CLUSTER_UUID,
      version: {
        number: COMPATIBLE_VERSION,
        build_flavor: 'default',
        build_type: 'callrouter',
        build_hash: 'callrouter',
        build_date: '2024-08-05T10:05:34.233336849Z',
        build_snapshot: false,
        lucene_version: '9.11.1',
        minimum_wire_compatibility_version: '7.17.0',
        minimum_index_compatibility_version: '7.0.0',
      },
      tagline: 'You Know, for Search',
    };
  });

  const health = async (request: FastifyRequest<IndexParams>) => {
    checkParams(request, ['level', 'local', 'master_timeout', 'timeout', 'wait_for_active_shards', 'wait_for_events', 'wait_for_nodes', 'wait_for_no_initializing_shards', 'wait_for_no_relocating_shards', 'wait_for_status', 'expand_wildcards']);
    checkIndex(request.params.index);
    return {
      cluster_name: CLUSTER_NAME,
      status: 'green',
      timed_out: false,
      number_of_nodes: 1,
      number_of_data_nodes: 1,
      active_primary_shards: 1,
      active_shards: 1,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: 0,
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: 100.0,
    };
  };
  app.get('/_cluster/health', health);
  app.get('/_cluster/health/:index', health);

  // No cluster settings are set: callrouter's are in its own configuration (src/cdr/settings.ts).
  app.get('/_cluster/settings', async (request) => {
    const params = checkParams(request, ['flat_settings', 'include_defaults', 'master_timeout', 'timeout']);
    return { persistent: {}, transient: {}, ...(booleanParam(params, 'include_defaults') ? { defaults: {} } : {}) };
  });

  const mapping = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'local', 'master_timeout']);
    if (!checkIndex(request.params.index, booleanParam(params, 'ignore_unavailable'))) return {};
    return { [INDEX_NAME]: { mappings: { properties: mappingProperties(info.mappedFields()) } } };
  };
  app.get('/_mapping', mapping);
  app.get('/:index/_mapping', mapping);

  // Every acknowledged write is searchable and durable already: a refresh or a flush has nothing left to do.
  const nothingToDo = (extraParams: readonly string[]) => async (request: FastifyRequest<IndexParams>) => {
    checkParams(request, ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', ...extraParams]);
    checkIndex(request.params.index);
    return { _shards: SHARDS_DONE };
  };
  for (const url of ['/_refresh', '/:index/_refresh']) app.route({ method: ['GET', 'POST'], url, handler: nothingToDo([]) });
  for (const url of ['/_flush', '/:index/_flush']) app.route({ method: ['GET', 'POST'], url, handler: nothingToDo(['force', 'wait_if_ongoing']) });

  const settings = async (request: FastifyRequest<IndexParams>) => {
    const params = checkParams(request, ['allow_no_indices', 'expand_wildcards', 'flat_settings', 'ignore_unavailable', 'include_defaults', 'local', 'master_timeout']);
    return checkIndex(request.params.index, booleanParam(params, 'ignore_unavailable')) ? { [INDEX_NAME]: { settings: INDEX_SETTINGS } } : {};
  };
  app.get('/_settings', settings);
  app.get('/:index/_settings', settings);

  // No aliases are kept: every name is an index pattern (indices.ts). Elasticsearch answers a missing alias in this plain shape.
  const aliases = async (request: FastifyRequest<{ Params: { index?: string; name?: string } }>, reply: FastifyReply) => {
    checkParams(request, ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'local', 'master_timeout']);
    const covered = checkIndex(request.params.index);
    if (request.params.name !== undefined) return reply.code(404).send({ error: `alias [${request.params.name}] missing`, status: 404 });
    return covered ? { [INDEX_NAME]: { aliases: {} } } : {};
  };
  for (const url of ['/_alias', '/_aliases', '/:index/_alias', '/:index/_aliases', '/_alias/:name', '/:index/_alias/:name']) app.get(url, aliases);

  // Settings and aliases are fixed: changing them is refused saying why, rather than with a 405 that suggests another method would do.
  app.put('/:index/_settings', async (request) => {
    checkParams(request, ['allow_no_indices', 'expand_wildcards', 'flat_settings', 'ignore_unavailable', 'master_timeout', 'preserve_existing', 'reopen', 'timeout']);
    throw new CdrQueryError('illegal_argument_exception', `index settings cannot be changed: [${INDEX_NAME}] is one shard with no replicas, always refreshed; callrouter's own settings are in its configuration`);
  });
  const refuseAlias = async (request: FastifyRequest) => {
    checkParams(request, ['master_timeout', 'timeout']);
    throw new CdrQueryError('illegal_argument_exception', `aliases are not kept: [${INDEX_NAME}] holds every CDR, and [cdr-*-<domain>] names one domain's`);
  };
  app.post('/_aliases', refuseAlias);
  for (const url of ['/:index/_alias/:name', '/:index/_aliases/:name']) app.route({ method: ['PUT', 'POST', 'DELETE'], url, handler: refuseAlias });

  // `indices.create`: `cdr` exists from the start, and is the only index kept. Applications that create their index
  // at start and carry on when it exists look for exactly this error type.
  app.put<{ Params: { index: string } }>('/:index', async (request, reply) => {
    if (request.params.index.startsWith('_')) return noHandler(request, reply);
    checkParams(request, ['wait_for_active_shards', 'master_timeout', 'timeout']);
    const { index } = request.params;
    if (index === INDEX_NAME) {
      throw new CdrQueryError('resource_already_exists_exception', `index [${INDEX_NAME}/${INDEX_UUID}] already exists`, 400, { index_uuid: INDEX_UUID, index: INDEX_NAME });
    }
    throw new CdrQueryError('illegal_argument_exception', `index [${index}] cannot be created: callrouter keeps every CDR in the one index [${INDEX_NAME}], which exists`);
  });

  // `indices.delete`: the one index is every call's record, so it stays; CDRs go by query. Names as Elasticsearch reads
  // them for a delete (its default `action.destructive_requires_name`: no wildcards), then ours refused, others missing.
  // Refused as a forbidden action (403), not a bad request: scripts that drop and reload an index commonly ignore 400
  // and 404 on the delete, and would go on to load into the CDRs they meant to replace.
  app.delete<{ Params: { index: string } }>('/:index', async (request, reply) => {
    const names = request.params.index.split(',').filter((name) => name !== '');
    if (names.some((name) => name === '_all' || name.includes('*'))) throw new CdrQueryError('illegal_argument_exception', 'Wildcard expressions or all indices are not allowed');
    if (request.params.index.startsWith('_')) return noHandler(request, reply);
    const params = checkParams(request, ['allow_no_indices', 'expand_wildcards', 'ignore_unavailable', 'master_timeout', 'timeout']);
    const ours = names.filter((name) => name === INDEX_NAME || name.startsWith(`${INDEX_NAME}-`));
    const missing = names.find((name) => !ours.includes(name));
    if (missing !== undefined && !booleanParam(params, 'ignore_unavailable')) throw indexNotFound(missing);
    if (ours.length === 0) return { acknowledged: true };
    throw new CdrQueryError(
      'security_exception',
      `action [indices:admin/delete] is forbidden on index [${ours[0]}]: it cannot be deleted, callrouter keeps the record of every call in the one index [${INDEX_NAME}]; delete CDRs with _delete_by_query`,
      403,
    );
  });

  // The index itself (`indices.get`, `indices.exists`); a name that is not ours is a 404, HEAD included.
  app.get<{ Params: { index: string } }>('/:index', async (request, reply) => {
    // `/_stats`, `/_tasks`, …: APIs not kept here, not index names.
    if (isApiName(request.params.index)) return noHandler(request, reply);
    checkParams(request, ['allow_no_indices', 'expand_wildcards', 'features', 'flat_settings', 'ignore_unavailable', 'include_defaults', 'local', 'master_timeout']);
    if (!checkIndex(request.params.index)) throw indexNotFound(request.params.index);
    return {
      [INDEX_NAME]: {
        aliases: {},
        mappings: { properties: mappingProperties(info.mappedFields()) },
        settings: INDEX_SETTINGS,
      },
    };
  });
}
