/**
 * What Kibana asks before it shows any data: the nodes and their versions
 * (`_nodes`, its version check), the license and features (`_xpack`,
 * `_license`), who the caller is (`_security/_authenticate`), and what an
 * index pattern resolves to (`_resolve/index`, when a data view is made).
 * callrouter is one node, basic license, security by its own API tokens.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INDEX_NAME } from '../query/execute.js';
import { CdrQueryError } from '../store.js';
import { COMPATIBLE_VERSION, NODE_ID, NODE_ROLES } from './cluster-routes.js';
import { resolveIndices } from './indices.js';
import { booleanParam, checkParams } from './params.js';

/** Who a request's credentials name, as `_security/_authenticate` reports them. */
export interface RequestIdentity {
  username: string;
  roles: string[];
}

const BUILD = { hash: 'callrouter', date: '2024-08-05T10:05:34.233336849Z' };

/** The address the request reached this node at, as the socket has it and as an ip, and with its port as Elasticsearch publishes it. */
export function nodeAddress(request: FastifyRequest): { address: string; ip: string; publish: string } {
  const address = request.socket.localAddress ?? '127.0.0.1';
  const ip = address.replace(/^::ffff:/, '');
  return { address, ip, publish: `${ip}:${request.socket.localPort ?? 9200}` };
}

export function registerDiscoveryRoutes(app: FastifyInstance, identityOf?: (request: FastifyRequest) => RequestIdentity | undefined): void {
  const nodes = async (request: FastifyRequest) => {
    checkParams(request, ['flat_settings', 'timeout', 'master_timeout']);
    const { address, publish } = nodeAddress(request);
    return {
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: 'callrouter',
      nodes: {
        [NODE_ID]: {
          name: 'callrouter',
          transport_address: publish,
          host: address,
          ip: address,
          version: COMPATIBLE_VERSION,
          build_flavor: 'default',
          build_type: 'callrouter',
          build_hash: BUILD.hash,
          roles: NODE_ROLES,
          http: { bound_address: [publish], publish_address: publish, max_content_length_in_bytes: 104857600 },
        },
      },
    };
  };
  for (const url of ['/_nodes', '/_nodes/:filter', '/_nodes/:filter/:metric']) app.get(url, nodes);

  app.get('/_xpack', async (request) => {
    checkParams(request, ['categories', 'accept_enterprise', 'master_timeout']);
    const feature = (available: boolean) => ({ available, enabled: available });
    return {
      build: BUILD,
      license: { uid: 'callrouter', type: 'basic', mode: 'basic', status: 'active' },
      features: { security: feature(false), ml: feature(false), monitoring: feature(false), watcher: feature(false), graph: feature(false), sql: feature(false) },
      tagline: 'You know, for X',
    };
  });

  app.get('/_license', async (request) => {
    checkParams(request, ['local', 'accept_enterprise', 'master_timeout']);
    return {
      license: {
        status: 'active',
        uid: 'callrouter',
        type: 'basic',
        issue_date: '2024-08-05T00:00:00.000Z',
        issue_date_in_millis: 1722816000000,
        max_nodes: 1000,
        max_resource_units: null,
        issued_to: 'callrouter',
        issuer: 'callrouter',
        start_date_in_millis: -1,
      },
    };
  });

  app.get('/_security/_authenticate', async (request) => {
    checkParams(request, []);
    const identity = identityOf?.(request);
    if (!identity) throw new CdrQueryError('security_exception', 'the request carries no credentials this server knows', 401);
    return {
      username: identity.username,
      roles: identity.roles,
      full_name: null,
      email: null,
      metadata: {},
      enabled: true,
      authentication_realm: { name: 'callrouter-tokens', type: 'token' },
      lookup_realm: { name: 'callrouter-tokens', type: 'token' },
      authentication_type: 'token',
    };
  });

  // What a data view's pattern matches: `cdr`, or nothing (a remote cluster's `x:…` included).
  app.get<{ Params: { name: string } }>('/_resolve/index/:name', async (request) => {
    const params = checkParams(request, ['expand_wildcards', 'ignore_unavailable', 'allow_no_indices', 'mode']);
    const local = request.params.name
      .split(',')
      .filter((name) => !name.includes(':'))
      .join(',');
    const covered = local !== '' && resolveIndices(local, { ignoreUnavailable: booleanParam(params, 'ignore_unavailable') || local.includes('*') }).kind !== 'none';
    return { indices: covered ? [{ name: INDEX_NAME, attributes: ['open'] }] : [], aliases: [], data_streams: [] };
  });
}
