/**
 * The `_cat` tables of the cluster around the index: the master (this one
 * node), and what callrouter has none of — pending cluster tasks, plugins,
 * index templates — as empty tables with Elasticsearch's columns, so that
 * monitoring scripts read "none" rather than an error.
 */
import type { FastifyInstance } from 'fastify';
import { CAT_PARAMS, catTable, type CatColumn } from './cat-table.js';
import { CLUSTER_NAME, NODE_ID } from './cluster-routes.js';
import { nodeAddress } from './discovery-routes.js';
import { checkParams } from './params.js';

const MASTER_COLUMNS: readonly CatColumn[] = [
  { name: 'id', description: 'node id' },
  { name: 'host', aliases: ['h'], description: 'host name' },
  { name: 'ip', description: 'ip address' },
  { name: 'node', aliases: ['n'], description: 'node name' },
];
const PENDING_TASKS_COLUMNS: readonly CatColumn[] = [
  { name: 'insertOrder', aliases: ['o'], description: 'task insertion order', alignRight: true },
  { name: 'timeInQueue', aliases: ['t'], description: 'how long task has been in queue' },
  { name: 'priority', aliases: ['p'], description: 'task priority' },
  { name: 'source', aliases: ['s'], description: 'task source' },
];
const PLUGINS_COLUMNS: readonly CatColumn[] = [
  { name: 'id', description: 'unique node id' },
  { name: 'name', aliases: ['n'], description: 'node name' },
  { name: 'component', aliases: ['c'], description: 'component' },
  { name: 'version', aliases: ['v'], description: 'component version' },
  { name: 'description', aliases: ['d'], description: 'plugin details' },
];
const TEMPLATES_COLUMNS: readonly CatColumn[] = [
  { name: 'name', aliases: ['n'], description: 'template name' },
  { name: 'index_patterns', aliases: ['t'], description: 'template index patterns' },
  { name: 'order', aliases: ['o', 'p'], description: 'template application order/priority number' },
  { name: 'version', aliases: ['v'], description: 'version' },
  { name: 'composed_of', aliases: ['c'], description: 'component templates comprising index template' },
];

export const CLUSTER_CAT_ENDPOINTS = ['/_cat/master', '/_cat/pending_tasks', '/_cat/plugins', '/_cat/templates', '/_cat/templates/{name}'];

export function registerClusterCatRoutes(app: FastifyInstance): void {
  app.get('/_cat/master', async (request, reply) => {
    const params = checkParams(request, CAT_PARAMS);
    const { ip } = nodeAddress(request);
    return catTable(request, reply, params, 'master', MASTER_COLUMNS, [{ id: NODE_ID, host: ip, ip, node: CLUSTER_NAME }]);
  });
  app.get('/_cat/pending_tasks', async (request, reply) => catTable(request, reply, checkParams(request, CAT_PARAMS), 'pending_tasks', PENDING_TASKS_COLUMNS, []));
  app.get('/_cat/plugins', async (request, reply) => catTable(request, reply, checkParams(request, [...CAT_PARAMS, 'include_bootstrap']), 'plugins', PLUGINS_COLUMNS, []));
  for (const url of ['/_cat/templates', '/_cat/templates/:name']) app.get(url, async (request, reply) => catTable(request, reply, checkParams(request, CAT_PARAMS), 'templates', TEMPLATES_COLUMNS, []));
}
