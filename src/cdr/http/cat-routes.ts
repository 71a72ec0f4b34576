/**
 * The `_cat` APIs an operator types at a terminal (`curl :9200/_cat/count?v`):
 * the one index, the document count (all CDRs or one domain's pattern) and
 * the cluster's health, in Elasticsearch's table format (cat-table.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INDEX_NAME } from '../query/execute.js';
import { CLUSTER_NAME, INDEX_UUID, checkIndex } from './cluster-routes.js';
import { CAT_PARAMS, catTable, type CatColumn, type CatRow } from './cat-table.js';
import { resolveIndices } from './indices.js';
import { booleanParam, checkParams } from './params.js';
import type { Searcher } from './searcher.js';

type IndexParams = { Params: { index?: string } };

const EPOCH: CatColumn = { name: 'epoch', aliases: ['t', 'time'], description: 'seconds since 1970-01-01 00:00:00' };
const TIMESTAMP: CatColumn = { name: 'timestamp', aliases: ['ts', 'hms', 'hhmmss'], description: 'time in HH:MM:SS' };

const INDICES_COLUMNS: readonly CatColumn[] = [
  { name: 'health', aliases: ['h'], description: 'current health status' },
  { name: 'status', aliases: ['s'], description: 'open/close status' },
  { name: 'index', aliases: ['i', 'idx'], description: 'index name' },
  { name: 'uuid', aliases: ['id'], description: 'index uuid' },
  { name: 'pri', aliases: ['p', 'shards.primary', 'shardsPrimary'], description: 'number of primary shards', alignRight: true },
  { name: 'rep', aliases: ['r', 'shards.replica', 'shardsReplica'], description: 'number of replica shards', alignRight: true },
  { name: 'docs.count', aliases: ['dc', 'docsCount'], description: 'available docs', alignRight: true },
  { name: 'docs.deleted', aliases: ['dd', 'docsDeleted'], description: 'deleted docs', alignRight: true },
  { name: 'store.size', aliases: ['ss', 'storeSize'], description: 'store size of primaries & replicas', alignRight: true },
  { name: 'pri.store.size', description: 'store size of primaries', alignRight: true },
  { name: 'dataset.size', description: 'total size of dataset', alignRight: true },
];

const COUNT_COLUMNS: readonly CatColumn[] = [EPOCH, TIMESTAMP, { name: 'count', aliases: ['dc', 'docs.count', 'docsCount'], description: 'the document count' }];

const HEALTH_COLUMNS: readonly CatColumn[] = [
  EPOCH,
  TIMESTAMP,
  { name: 'cluster', aliases: ['cl'], description: 'cluster name' },
  { name: 'status', aliases: ['st'], description: 'health status' },
  { name: 'node.total', aliases: ['nt', 'nodeTotal'], description: 'total number of nodes', alignRight: true },
  { name: 'node.data', aliases: ['nd', 'nodeData'], description: 'number of nodes that can store data', alignRight: true },
  { name: 'shards', aliases: ['sh', 'shards.total', 'shardsTotal'], description: 'total number of shards', alignRight: true },
  { name: 'pri', aliases: ['p', 'shards.primary', 'shardsPrimary'], description: 'number of primary shards', alignRight: true },
  { name: 'relo', aliases: ['r', 'shards.relocating', 'shardsRelocating'], description: 'number of relocating nodes', alignRight: true },
  { name: 'init', aliases: ['i', 'shards.initializing', 'shardsInitializing'], description: 'number of initializing nodes', alignRight: true },
  { name: 'unassign', aliases: ['u', 'shards.unassigned', 'shardsUnassigned'], description: 'number of unassigned shards', alignRight: true },
  { name: 'pending_tasks', aliases: ['pt', 'pendingTasks'], description: 'number of pending tasks', alignRight: true },
  { name: 'max_task_wait_time', aliases: ['mtwt', 'maxTaskWaitTime'], description: 'wait time of longest task pending', alignRight: true },
  { name: 'active_shards_percent', aliases: ['asp', 'activeShardsPercent'], description: 'active number of shards in percent', alignRight: true },
];

const CAT_ENDPOINTS = ['/_cat/count', '/_cat/count/{index}', '/_cat/health', '/_cat/indices', '/_cat/indices/{index}'];

function clockColumns(now: Date): CatRow {
  return { epoch: String(Math.floor(now.getTime() / 1000)), timestamp: now.toISOString().slice(11, 19) };
}

export function registerCatRoutes(app: FastifyInstance, searcher: Searcher): void {
  app.get('/_cat', async (request, reply) => {
    checkParams(request, []);
    reply.header('content-type', 'text/plain; charset=UTF-8');
    return `=^.^=\n${CAT_ENDPOINTS.join('\n')}\n`;
  });

  const indices = async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    const params = checkParams(request, [...CAT_PARAMS, 'pri', 'health', 'expand_wildcards', 'include_unloaded_segments']);
    const rows: CatRow[] = [];
    if (checkIndex(request.params.index, true)) {
      const { count } = await searcher.count({ kind: 'all' }, {}, request);
      rows.push({ health: 'green', status: 'open', index: INDEX_NAME, uuid: INDEX_UUID, pri: '1', rep: '0', 'docs.count': String(count), 'docs.deleted': '0', 'store.size': '-', 'pri.store.size': '-', 'dataset.size': '-' });
    }
    return catTable(request, reply, params, 'indices', INDICES_COLUMNS, rows);
  };
  app.get('/_cat/indices', indices);
  app.get('/_cat/indices/:index', indices);

  const count = async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    const params = checkParams(request, CAT_PARAMS);
    const { count: documents } = await searcher.count(resolveIndices(request.params.index), {}, request);
    return catTable(request, reply, params, 'count', COUNT_COLUMNS, [{ ...clockColumns(new Date()), count: String(documents) }]);
  };
  app.get('/_cat/count', count);
  app.get('/_cat/count/:index', count);

  app.get('/_cat/health', async (request, reply) => {
    const params = checkParams(request, [...CAT_PARAMS, 'ts']);
    const columns = booleanParam(params, 'ts') === false ? HEALTH_COLUMNS.filter((column) => column !== EPOCH && column !== TIMESTAMP) : HEALTH_COLUMNS;
    const row: CatRow = {
      ...clockColumns(new Date()),
      cluster: CLUSTER_NAME,
      status: 'green',
      'node.total': '1',
      'node.data': '1',
      shards: '1',
      pri: '1',
      relo: '0',
      init: '0',
      unassign: '0',
      pending_tasks: '0',
      max_task_wait_time: '-',
      active_shards_percent: '100.0%',
    };
    return catTable(request, reply, params, 'health', columns, [row]);
  });
}
