/**
 * `_cluster/state` as administration tools read it (the index list in the
 * metadata, the routing table, the master): one node holding the one index
 * in one started shard, no blocks, no templates. `/<metrics>` keeps the
 * parts named; `/<metrics>/<index>` the index's parts for `cdr` or none.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INDEX_NAME } from '../query/execute.js';
import { mappingProperties } from '../query/mapping-view.js';
import { CdrQueryError } from '../store.js';
import { checkIndex, CLUSTER_NAME, CLUSTER_UUID, COMPATIBLE_VERSION, INDEX_SETTINGS, NODE_ID, NODE_ROLES, SHARD_ROUTING, type ClusterInfo } from './cluster-routes.js';
import { nodeAddress } from './discovery-routes.js';
import { checkParams } from './params.js';

const METRICS = ['version', 'master_node', 'blocks', 'nodes', 'metadata', 'routing_table', 'routing_nodes', 'customs'];

function requestedMetrics(request: FastifyRequest<{ Params: { metric?: string } }>): string[] {
  const names = (request.params.metric ?? '_all').split(',');
  const unknown = names.filter((name) => name !== '_all' && !METRICS.includes(name));
  if (unknown.length > 0) {
    throw new CdrQueryError('illegal_argument_exception', `request [${request.url.split('?')[0]}] contains unrecognized metric${unknown.length > 1 ? 's' : ''}: [${unknown.join('], [')}]`);
  }
  return names.includes('_all') ? METRICS : names;
}

export function registerClusterStateRoute(app: FastifyInstance, info: ClusterInfo): void {
  const state = async (request: FastifyRequest<{ Params: { metric?: string; index?: string } }>) => {
    checkParams(request, ['local', 'master_timeout', 'flat_settings', 'wait_for_metadata_version', 'wait_for_timeout', 'ignore_unavailable', 'allow_no_indices', 'expand_wildcards']);
    const metrics = requestedMetrics(request);
    const covered = checkIndex(request.params.index, true);
    const indices = <T>(of: T): Record<string, T> => (covered ? { [INDEX_NAME]: of } : {});
    const parts: Record<string, () => unknown> = {
      version: () => ({ version: 1, state_uuid: CLUSTER_UUID }),
      master_node: () => ({ master_node: NODE_ID }),
      blocks: () => ({ blocks: {} }),
      nodes: () => ({ nodes: { [NODE_ID]: { name: CLUSTER_NAME, ephemeral_id: NODE_ID, transport_address: nodeAddress(request).publish, external_id: NODE_ID, attributes: {}, roles: NODE_ROLES, version: COMPATIBLE_VERSION } } }),
      metadata: () => ({
        metadata: {
          cluster_uuid: CLUSTER_UUID,
          cluster_uuid_committed: true,
          templates: {},
          indices: indices({
            version: 1,
            state: 'open',
            settings: INDEX_SETTINGS,
            mappings: { _doc: { properties: mappingProperties(info.mappedFields()) } },
            aliases: [],
            primary_terms: { '0': 1 },
            in_sync_allocations: { '0': [SHARD_ROUTING.allocation_id.id] },
          }),
        },
      }),
      routing_table: () => ({ routing_table: { indices: indices({ shards: { '0': [SHARD_ROUTING] } }) } }),
      routing_nodes: () => ({ routing_nodes: { unassigned: [], nodes: { [NODE_ID]: covered ? [SHARD_ROUTING] : [] } } }),
      customs: () => ({}),
    };
    return Object.assign({ cluster_name: CLUSTER_NAME, cluster_uuid: CLUSTER_UUID }, ...metrics.map((metric) => parts[metric]()));
  };
  for (const url of ['/_cluster/state', '/_cluster/state/:metric', '/_cluster/state/:metric/:index']) app.get(url, state);
}
