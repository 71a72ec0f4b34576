/**
 * The `_cat` APIs an operator types at a terminal (`curl :9200/_cat/count?v`):
 * the one index and its one shard, the document count (all CDRs or one
 * domain's pattern), the one node, no aliases and the cluster's health, in
 * Elasticsearch's table format (cat-table.ts), sizes as the store takes on disk.
 */
import { freemem, loadavg, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INDEX_NAME } from '../query/execute.js';
import { CLUSTER_NAME, INDEX_UUID, checkIndex } from './cluster-routes.js';
import { CAT_PARAMS, catTable, type CatColumn, type CatRow } from './cat-table.js';
import { resolveIndices } from './indices.js';
import { booleanParam, checkParams } from './params.js';
import type { Searcher } from './searcher.js';
import { CLUSTER_CAT_ENDPOINTS, registerClusterCatRoutes } from './cat-cluster-routes.js';
import { nodeAddress } from './discovery-routes.js';
import { catBytes, storeBytes } from './store-size.js';

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

const ALIASES_COLUMNS: readonly CatColumn[] = [
  { name: 'alias', aliases: ['a'], description: 'alias name' },
  { name: 'index', aliases: ['i', 'idx'], description: 'index alias points to' },
  { name: 'filter', aliases: ['f', 'fi'], description: 'filter' },
  { name: 'routing.index', aliases: ['ri', 'routingIndex'], description: 'index routing' },
  { name: 'routing.search', aliases: ['rs', 'routingSearch'], description: 'search routing' },
  { name: 'is_write_index', aliases: ['w', 'isWriteIndex'], description: 'write index' },
];

const SHARDS_COLUMNS: readonly CatColumn[] = [
  { name: 'index', aliases: ['i', 'idx'], description: 'index name' },
  { name: 'shard', aliases: ['s', 'sh'], description: 'shard name', alignRight: true },
  { name: 'prirep', aliases: ['p', 'pr', 'primaryOrReplica'], description: 'primary or replica' },
  { name: 'state', aliases: ['st'], description: 'shard state' },
  { name: 'docs', aliases: ['d', 'dc'], description: 'number of docs in shard', alignRight: true },
  { name: 'store', aliases: ['sto'], description: 'store size of shard (how much disk it uses)', alignRight: true },
  { name: 'dataset', description: 'total size of dataset', alignRight: true },
  { name: 'ip', description: 'ip of node where it lives' },
  { name: 'node', aliases: ['n'], description: 'name of node where it lives' },
];

const NODES_COLUMNS: readonly CatColumn[] = [
  { name: 'ip', aliases: ['i'], description: 'ip address' },
  { name: 'heap.percent', aliases: ['hp', 'heapPercent'], description: 'used heap ratio', alignRight: true },
  { name: 'ram.percent', aliases: ['rp', 'ramPercent'], description: 'used machine memory ratio', alignRight: true },
  { name: 'cpu', description: 'recent cpu usage', alignRight: true },
  { name: 'load_1m', aliases: ['l'], description: '1m load avg', alignRight: true },
  { name: 'load_5m', aliases: ['l'], description: '5m load avg', alignRight: true },
  { name: 'load_15m', aliases: ['l'], description: '15m load avg', alignRight: true },
  { name: 'node.role', aliases: ['r', 'role', 'nodeRole'], description: 'm:master eligible node, d:data node, i:ingest node' },
  { name: 'master', aliases: ['m'], description: '*:current master' },
  { name: 'name', aliases: ['n'], description: 'node name' },
];

const CAT_ENDPOINTS = [
  ...['/_cat/aliases', '/_cat/aliases/{alias}', '/_cat/count', '/_cat/count/{index}', '/_cat/health', '/_cat/indices', '/_cat/indices/{index}', '/_cat/nodes', '/_cat/shards', '/_cat/shards/{index}'],
  ...CLUSTER_CAT_ENDPOINTS,
].sort();

function percent(used: number, total: number): string {
  return String(Math.round((100 * used) / total));
}

function clockColumns(now: Date): CatRow {
  return { epoch: String(Math.floor(now.getTime() / 1000)), timestamp: now.toISOString().slice(11, 19) };
}

export function registerCatRoutes(app: FastifyInstance, searcher: Searcher, storeFile?: string): void {
  app.get('/_cat', async (request, reply) => {
    checkParams(request, []);
    reply.header('content-type', 'text/plain; charset=UTF-8');
    return `=^.^=\n${CAT_ENDPOINTS.join('\n')}\n`;
  });
  registerClusterCatRoutes(app);

  const indices = async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    const params = checkParams(request, [...CAT_PARAMS, 'pri', 'health', 'expand_wildcards', 'include_unloaded_segments']);
    const rows: CatRow[] = [];
    if (checkIndex(request.params.index, true)) {
      const [{ count }, bytes] = await Promise.all([searcher.count({ kind: 'all' }, {}, request), storeBytes(storeFile)]);
      const size = catBytes(bytes, params.bytes);
      rows.push({ health: 'green', status: 'open', index: INDEX_NAME, uuid: INDEX_UUID, pri: '1', rep: '0', 'docs.count': String(count), 'docs.deleted': '0', 'store.size': size, 'pri.store.size': size, 'dataset.size': size });
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

  app.get('/_cat/aliases', async (request, reply) => catTable(request, reply, checkParams(request, [...CAT_PARAMS, 'expand_wildcards']), 'aliases', ALIASES_COLUMNS, []));
  app.get('/_cat/aliases/:name', async (request, reply) => catTable(request, reply, checkParams(request, [...CAT_PARAMS, 'expand_wildcards']), 'aliases', ALIASES_COLUMNS, []));

  const shards = async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    const params = checkParams(request, CAT_PARAMS);
    const rows: CatRow[] = [];
    if (checkIndex(request.params.index, true)) {
      const [{ count: documents }, bytes] = await Promise.all([searcher.count({ kind: 'all' }, {}, request), storeBytes(storeFile)]);
      const size = catBytes(bytes, params.bytes);
      rows.push({ index: INDEX_NAME, shard: '0', prirep: 'p', state: 'STARTED', docs: String(documents), store: size, dataset: size, ip: nodeAddress(request).ip, node: CLUSTER_NAME });
    }
    return catTable(request, reply, params, 'shards', SHARDS_COLUMNS, rows);
  };
  app.get('/_cat/shards', shards);
  app.get('/_cat/shards/:index', shards);

  app.get('/_cat/nodes', async (request, reply) => {
    const params = checkParams(request, [...CAT_PARAMS, 'full_id', 'include_unloaded_segments']);
    const heap = getHeapStatistics();
    const [load1, load5, load15] = loadavg().map((load) => load.toFixed(2));
    const row: CatRow = {
      ip: nodeAddress(request).ip,
      'heap.percent': percent(heap.used_heap_size, heap.heap_size_limit),
      'ram.percent': percent(totalmem() - freemem(), totalmem()),
      cpu: '-',
      load_1m: load1,
      load_5m: load5,
      load_15m: load15,
      'node.role': 'dim',
      master: '*',
      name: CLUSTER_NAME,
    };
    return catTable(request, reply, params, 'nodes', NODES_COLUMNS, [row]);
  });

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
