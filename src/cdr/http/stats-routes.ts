/**
 * Statistics monitoring tools read: index stats (`_stats`, `<index>/_stats`,
 * with a metric list) and cluster stats (`_cluster/stats`). callrouter
 * keeps what it can count truthfully: documents (a deleted CDR is gone at
 * once, so none wait to be merged away), the store's size on disk and the
 * one shard; Elasticsearch's other metrics (indexing, search, merges, …)
 * are not kept and are left out rather than made up.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INDEX_NAME } from '../query/execute.js';
import { CdrQueryError } from '../store.js';
import { checkIndex, CLUSTER_NAME, CLUSTER_UUID, COMPATIBLE_VERSION, INDEX_UUID, SHARD_ROUTING } from './cluster-routes.js';
import { booleanParam, checkParams } from './params.js';
import type { Searcher } from './searcher.js';
import { storeBytes } from './store-size.js';

/** Elasticsearch's index metrics: those kept here, and the rest, which a request may name but are not reported. */
const KEPT_METRICS = ['docs', 'store', 'shard_stats'] as const;
const OTHER_METRICS = ['completion', 'fielddata', 'flush', 'get', 'indexing', 'merge', 'query_cache', 'refresh', 'request_cache', 'search', 'segments', 'translog', 'warmer', 'bulk', 'recovery', 'mappings', 'dense_vector', 'sparse_vector'];

export interface StatsSource {
  searcher: Searcher;
  /** The SQLite file the CDRs are in (its write-ahead log beside it counts too); absent for a store in memory. */
  storeFile?: string;
}

function requestedMetrics(request: FastifyRequest<{ Params: { metric?: string } }>): readonly string[] {
  const names = request.params.metric === undefined ? ['_all'] : request.params.metric.split(',');
  const unknown = names.filter((name) => name !== '_all' && !KEPT_METRICS.includes(name as never) && !OTHER_METRICS.includes(name));
  if (unknown.length > 0) {
    throw new CdrQueryError('illegal_argument_exception', `request [${request.url.split('?')[0]}] contains unrecognized metric${unknown.length > 1 ? 's' : ''}: [${unknown.join('], [')}]`);
  }
  return names.includes('_all') ? KEPT_METRICS : KEPT_METRICS.filter((metric) => names.includes(metric));
}

/** `level=shards`: the one shard, its routing and the same stats. */
function oneShard(stats: Record<string, unknown>) {
  const { state, primary, node, relocating_node } = SHARD_ROUTING;
  return { '0': [{ routing: { state, primary, node, relocating_node }, ...stats }] };
}

export function registerStatsRoutes(app: FastifyInstance, { searcher, storeFile }: StatsSource): void {
  const documentsAndBytes = async (request: FastifyRequest) => {
    const [{ count }, bytes] = await Promise.all([searcher.count({ kind: 'all' }, {}, request), storeBytes(storeFile)]);
    return { count, bytes };
  };

  type StatsRequest = FastifyRequest<{ Params: { index?: string; metric?: string } }>;
  const indexStats = async (request: StatsRequest) => {
    const params = checkParams(request, ['level', 'fields', 'completion_fields', 'fielddata_fields', 'groups', 'include_segment_file_sizes', 'include_unloaded_segments', 'expand_wildcards', 'forbid_closed_indices', 'ignore_unavailable', 'allow_no_indices']);
    if (params.level !== undefined && !['cluster', 'indices', 'shards'].includes(params.level)) {
      throw new CdrQueryError('illegal_argument_exception', `level parameter must be one of [cluster] or [indices] or [shards] but was [${params.level}]`);
    }
    const metrics = requestedMetrics(request);
    const covered = checkIndex(request.params.index, booleanParam(params, 'ignore_unavailable'));
    const { count, bytes } = covered ? await documentsAndBytes(request) : { count: 0, bytes: 0 };
    const all: Record<string, unknown> = {
      docs: { count, deleted: 0, total_size_in_bytes: bytes },
      store: { size_in_bytes: bytes, total_data_set_size_in_bytes: bytes, reserved_in_bytes: 0 },
      shard_stats: { total_count: covered ? 1 : 0 },
    };
    const stats = Object.fromEntries(metrics.map((metric) => [metric, all[metric]]));
    const shards = covered ? 1 : 0;
    return {
      _shards: { total: shards, successful: shards, failed: 0 },
      _all: { primaries: stats, total: stats },
      indices: covered && params.level !== 'cluster' ? { [INDEX_NAME]: { uuid: INDEX_UUID, health: 'green', status: 'open', primaries: stats, total: stats, ...(params.level === 'shards' ? { shards: oneShard(stats) } : {}) } } : {},
    };
  };
  for (const url of ['/_stats', '/_stats/:metric', '/:index/_stats', '/:index/_stats/:metric']) app.get(url, indexStats);

  const clusterStats = async (request: FastifyRequest) => {
    checkParams(request, ['include_remotes', 'timeout', 'flat_settings']);
    const { count, bytes } = await documentsAndBytes(request);
    const oneShard = { min: 1, max: 1, avg: 1 };
    return {
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: CLUSTER_NAME,
      cluster_uuid: CLUSTER_UUID,
      timestamp: Date.now(),
      status: 'green',
      indices: {
        count: 1,
        shards: { total: 1, primaries: 1, replication: 0, index: { shards: oneShard, primaries: oneShard, replication: { min: 0, max: 0, avg: 0 } } },
        docs: { count, deleted: 0, total_size_in_bytes: bytes },
        store: { size_in_bytes: bytes, total_data_set_size_in_bytes: bytes, reserved_in_bytes: 0 },
      },
      nodes: {
        count: { total: 1, coordinating_only: 0, data: 1, ingest: 1, master: 1 },
        versions: [COMPATIBLE_VERSION],
      },
    };
  };
  app.get('/_cluster/stats', clusterStats);
}
